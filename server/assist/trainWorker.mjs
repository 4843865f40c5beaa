// Bootstrap of the category model's training thread (trainThread.ts): a worker does not inherit the
// main thread's TypeScript loader, so it registers tsx's before loading the worker's module.
import { register } from 'tsx/esm/api';

register();
await import('./trainWorker.ts');
