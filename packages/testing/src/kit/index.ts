// The test kit shared by the packages' tests (`@kcp-tmc/testing/kit`): small helpers without the simulator.
export { type WaitOptions, waitFor } from './wait.js';
