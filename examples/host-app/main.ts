// (a) A host app: its own routes and its own auth guard, with the gateway under the global prefix `gw`.
// Host routes are plain Nest routes (invalid JSON is Nest's 400, a browser Origin is not refused); the gateway's
// MCP endpoint is /gw/mcp and its probes /gw/health/*.
import {
  Body,
  Controller,
  Get,
  Injectable,
  Module,
  Post,
  SetMetadata,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { GatewayModule, IS_PUBLIC } from '@mcp-gateway/gateway';
import { listen } from '../listen.js';

const OPEN = 'host:open';
/** A host route anyone may call. */
const Open = () => SetMetadata(OPEN, true);

/** The host's own guard: every route needs `x-api-key: demo-key` unless it is open (or a gateway probe). */
@Injectable()
class HostKeyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(OPEN, targets)) return true;
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    if (request.headers['x-api-key'] === 'demo-key') return true;
    throw new UnauthorizedException('x-api-key required');
  }
}

@Controller('api')
class NotesController {
  private readonly notes: string[] = [];

  @Open()
  @Get('hello')
  hello() {
    return { hello: 'from the host app' };
  }

  @Post('notes')
  add(@Body() body: { text: string }) {
    this.notes.push(body.text);
    return { notes: this.notes };
  }
}

@Module({
  imports: [GatewayModule.forRoot({ config: { logging: { level: 'warn' }, backends: {} } })],
  controllers: [NotesController],
  providers: [{ provide: APP_GUARD, useClass: HostKeyGuard }],
})
class HostModule {}

await listen({ module: HostModule }, 'gw');
