export * from './orders-workflow';
export * from './orders-workflow-props';
