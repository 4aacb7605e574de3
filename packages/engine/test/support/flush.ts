/** Lets every promise continuation queued so far run (no timers involved, so fake timers do not matter). */
export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/** Resolves to the promise's value if it settled within a microtask flush, else to `'pending'`. */
export async function peek<T>(promise: Promise<T>): Promise<T | 'pending'> {
  let result: { value: T } | undefined;
  void promise.then((value) => {
    result = { value };
  });
  await flushMicrotasks();
  return result === undefined ? 'pending' : result.value;
}
