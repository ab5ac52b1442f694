import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'gateway:auth:public';

/** A route served without credentials even when `auth` is configured (probes, OAuth metadata). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
