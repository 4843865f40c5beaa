export { policySchema, parsePolicy, DEFAULT_POLICY, type Policy, type PolicyInput } from './schema.ts';
export { deadlinesFor, type Deadlines, type ServiceLevel } from './deadlines.ts';
