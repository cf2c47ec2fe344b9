// Spawned CLI processes inherit process.env, and REDIS_URL alone switches a server's state
// to Redis. Keep the shared Redis out of them unless a test passes it on purpose.
if (process.env['REDIS_URL']) {
  process.env['TEST_REDIS_URL'] = process.env['REDIS_URL'];
  delete process.env['REDIS_URL'];
}
