// Starting real processes (and PostgreSQL databases) takes longer than Jest's 5 s default.
jest.setTimeout(60_000);
