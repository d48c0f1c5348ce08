/**
 * Preloaded (`node -r`) into the real apps the HTTP scenarios start from dist/: the app
 * exits when the orchestrator's IPC channel closes, so a run that dies never leaves a
 * server behind. The channel is unref'd: it changes nothing else about the app.
 */
if (process.send) {
  process.on('disconnect', () => process.exit(0));
  (process as unknown as { channel?: { unref(): void } }).channel?.unref();
}
