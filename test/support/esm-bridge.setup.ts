// Jest (ESM mode) cannot require() an ES module, yet some Nest plugins are CommonJS packages that require the
// ESM-only @nestjs/common and @nestjs/core. This loads those once through Jest's ESM registry and hands the same
// instances to the plugins' require calls (see cjs-esm-bridge.transform.cjs).
const bridged = ['@nestjs/common', '@nestjs/core'] as const;
const modules: Record<string, unknown> = {};
for (const name of bridged) modules[name] = await import(name);
(globalThis as { __esmBridge?: Record<string, unknown> }).__esmBridge = modules;
