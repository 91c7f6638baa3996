import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'hfss-jm:public-route';

/** Served without a bearer token: liveness for orchestrators and the dashboard page itself (it holds no data). */
export const PublicRoute = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
