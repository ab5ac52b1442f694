// Rewrites require('@nestjs/common' | '@nestjs/core') in CommonJS plugin code to the ES module instances that
// esm-bridge.setup.ts loaded, so the plugin and the application share one Nest.
const BRIDGED = /require\((["'])(@nestjs\/(?:common|core))(\/[^"']*)?\1\)/g;

module.exports = {
  process(source) {
    return {
      code: source.replace(BRIDGED, (whole, _quote, name, subpath) =>
        subpath ? whole : `globalThis.__esmBridge[${JSON.stringify(name)}]`,
      ),
    };
  },
  getCacheKey(source, path) {
    return require('node:crypto').createHash('sha1').update('bridge-v1').update(path).update(source).digest('hex');
  },
};
