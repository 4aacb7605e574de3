// No public API yet: this package gains code with its issue.
export {};
