// Bootstrap of the analysis thread (computeThread.ts): a worker does not inherit the main thread's
// TypeScript loader, so it registers tsx's before loading the worker's module.
import { register } from 'tsx/esm/api';

register();
await import('./computeWorker.ts');
