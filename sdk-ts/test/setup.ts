// Runs in every test file: temporary folders made by the helpers are removed after the file's tests.
import { afterAll } from 'vitest';
import { cleanupTempDirs } from './helpers.js';

afterAll(cleanupTempDirs);
