export * from './orders-workflow';
export * from './orders-workflow-props';
export * from './auth/orders-api-authorization';
export * from './protection/orders-api-waf';
export * from './processing/order-processor';
export * from './routing/order-detail-type';
export * from './observability/order-rejection-reason';
