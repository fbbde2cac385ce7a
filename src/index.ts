import './memory.js';
import { run } from './main.js';

await run();
