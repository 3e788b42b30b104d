// The Lua scripts of production mode. Every change of a job's place (taken, handed on,
// retried, dead, returned) is one script, so that a worker dying at any moment leaves
// each job in exactly one place. Jobs are opaque strings here; the scripts that end a
// job's stay in a processing list first remove it from there, and do nothing when it is
// gone (another worker returned it after this worker's lease expired): that makes every
// commit idempotent and a job handed on at most once.
//
// Every key a script touches is passed in KEYS; none is built from data inside Lua, so the
// scripts run on Redis Cluster (all keys of a graph share its hash tag: one slot) and on
// servers that enforce declared keys. Jobs stay opaque: no script reads inside one. What a
// script needs to know of a job (its id, its version) comes in ARGV from the worker that
// parsed it; how often a job's worker died running it is counted under the SHA-1 of its
// text (a job's text may be large; the reaper has nothing else to go by).
//
// Expiry: nothing a job still needs has a TTL (waiting, processing and delayed lists, join
// hashes, a result still missing parts, a dead job's result). A result expires once done,
// or once its dead job is dropped. Each job's deaths count goes when the job leaves the
// processing list (committed, retried, spread, gathered, buried, discarded).
//
// Out of memory (maxmemory reached, noeviction): a script that has not written yet is
// refused at its first command that may grow memory. The scripts that end a job's stay
// (commit, retry, bury, returnJob, discard) write first with an LREM, so they go through and free
// what they move; take, promote and submit are refused, and so is the take a commit makes
// (first, with pcall: the commit goes on), which tells the worker. renewLease and release are marked
// allow-oom (Redis 7 shebang flags): a live worker keeps its lease and can leave.

/** A worker's lease while it lives; after release() the lease holds LEFT_LEASE until it expires. */
export const LIVE_LEASE = "1";
const LEFT_LEASE = "left";

/** Milliseconds of Redis's clock (so that machines with skewed clocks agree). */
const NOW_MS = `local function now_ms() local t = redis.call('TIME') return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) end`;

/**
 * The rate of a loop: one hash holding the finished jobs and their summed latency of the
 * current 10-second bucket of Redis's clock (`n`, `ms`) and of the one before (`pn`, `pms`),
 * and which bucket is current (`at`). `rate_window` reads it as of now (a bucket gone by
 * counts as empty); `count_rate` adds to it.
 */
const RATE = `local function rate_window(rate, bucket)
  local at, n, ms, pn, pms = unpack(redis.call('HMGET', rate, 'at', 'n', 'ms', 'pn', 'pms'))
  at = tonumber(at)
  if at == bucket then return tonumber(pn) or 0, tonumber(pms) or 0, tonumber(n) or 0, tonumber(ms) or 0 end
  if at == bucket - 1 then return tonumber(n) or 0, tonumber(ms) or 0, 0, 0 end
  return 0, 0, 0, 0
end
local function count_rate(rate, now, count, latency)
  local bucket = math.floor(now / 10000)
  local pn, pms, n, ms = rate_window(rate, bucket)
  redis.call('HSET', rate, 'at', bucket, 'pn', pn, 'pms', pms, 'n', n + count, 'ms', ms + latency)
  redis.call('EXPIRE', rate, 120)
end`;

/**
 * Counts `n` (negative: fewer) unfinished jobs of version `version` in the totals hash, so
 * that a deploy knows which old versions no job uses any more.
 */
const COUNT_LIVE = `local function count_live(totals, version, n)
  if not version then return end
  if redis.call('HINCRBY', totals, 'live:' .. version, n) <= 0 then redis.call('HDEL', totals, 'live:' .. version) end
end`;

/**
 * Adds a job's dead-letter record. The first record of a job makes it one dead job (counted,
 * its result marked dead, its submitter told); a job that dies in two parallel loops gets a
 * second record in the same entry; a dead job no longer counts as a live job of its
 * version. `notify` is false when nobody waits.
 */
const ADD_DEAD_RECORD = `${COUNT_LIVE}
local function add_dead_record(dead, totals, result, notify, id, record, error, ttl, version)
  local records = redis.call('HGET', dead, id)
  if records then
    redis.call('HSET', dead, id, string.sub(records, 1, -2) .. ',' .. record .. ']')
  else
    redis.call('HSET', dead, id, '[' .. record .. ']')
    redis.call('HINCRBY', totals, 'dead', 1)
    count_live(totals, version, -1)
    redis.call('HSET', result, 'dead', error)
    if notify then
      redis.call('LPUSH', notify, id)
      redis.call('EXPIRE', notify, ttl)
    end
  end
end`;

/**
 * Moves up to `n` jobs from the right end of a waiting list (the oldest) to the left of a
 * processing list, in three commands whatever `n`; returns them oldest first, the order in
 * which one LMOVE RIGHT LEFT after the other would have moved them. The LPUSH comes first:
 * out of memory, a take is refused before it wrote anything. `call` is redis.call (a refusal
 * fails the script) or redis.pcall (the take returns no job and the refusal's text).
 */
const TAKE_JOBS = `local function take_jobs(waiting, processing, n, call)
  if n <= 0 then return {} end
  local newest_first = redis.call('LRANGE', waiting, -n, -1)
  local k = #newest_first
  if k == 0 then return newest_first end
  local taken = {}
  for i = 1, k do taken[i] = newest_first[k + 1 - i] end
  for i = 1, k, 1000 do
    local pushed = call('LPUSH', processing, unpack(taken, i, math.min(i + 999, k)))
    if type(pushed) == 'table' and pushed.err then return {}, pushed.err end
  end
  redis.call('LTRIM', waiting, 0, -k - 1)
  return taken
end`;

export const QUEUE_SCRIPTS = {
  /** Moves up to ARGV[1] jobs from the waiting list KEYS[1] to the processing list KEYS[2]; returns them. */
  take: {
    keys: 2,
    lua: `${TAKE_JOBS}
return take_jobs(KEYS[1], KEYS[2], tonumber(ARGV[1]), redis.call)`,
  },

  /**
   * A loop finished jobs (one or a batch: one call amortises the script's cost), and takes
   * the worker's next jobs. KEYS: processing, totals, loop stats, deaths hash, rate hash,
   * the loop's waiting list, then the targets' keys (each once). ARGV: ttl s (of a done
   * result and a notify list), jobs to take, job count, then per job: the job, then
   * "TARGETS VERSION LATENCY_MS ID" (the target count, the version it runs on, its latency,
   * its id, which may hold anything, last), then per target a head and the payload; a head
   * names the target's keys by their place in KEYS:
   *   "push LIST"                     the next loop's waiting list
   *                                   (the next loop has this loop as its only upstream)
   *   "join HASH LIST EXPECTED PART"  the join hash, the next loop's waiting list, the parts
   *                                   expected, this loop's part (the next loop joins parts from several loops)
   *   "result HASH NOTIFY EXPECTED PART"  the result hash, its notify list (the result's own:
   *                                   nobody waits), the parts expected, this loop's part (this was a last loop)
   * A few arguments a job, each job's small ones in one: every argument costs the worker
   * (building the command) and Redis (reading it, and making it a Lua string).
   * Everything pushed to one list goes in one LPUSH, in job order; the counters are
   * updated once per call; Redis's clock is read once. The take comes first, so that out of
   * memory it is refused (before the script wrote anything) while the commit still goes
   * through. Returns { per job 1 when it was committed, 0 when it was no longer in the list;
   * the jobs taken; the take's refusal, or '' }.
   */
  commit: {
    keys: 6,
    variadicKeys: true,
    lua: `${COUNT_LIVE}
${RATE}
${TAKE_JOBS}
local ttl = tonumber(ARGV[1])
local taken, refusal = take_jobs(KEYS[6], KEYS[1], tonumber(ARGV[2]), redis.pcall)
local a = 4
local committed, count, latency, completed = {}, 0, 0, 0
local live, pushes, push_order, notified = {}, {}, {}, {}
local now
local function clock()
  if not now then
    local t = redis.call('TIME')
    now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  end
  return now
end
local function push(list, value)
  local values = pushes[list]
  if not values then
    values = {}
    pushes[list] = values
    push_order[#push_order + 1] = list
  end
  values[#values + 1] = value
end
local deaths = redis.call('EXISTS', KEYS[4]) == 1
for j = 1, tonumber(ARGV[3]) do
  local job = ARGV[a]
  local targets, version, ms, id = string.match(ARGV[a + 1], '^(%d+) (%d+) (%-?%d+) (.*)$')
  a = a + 2
  local ours = redis.call('LREM', KEYS[1], -1, job) == 1
  committed[j] = ours and 1 or 0
  if ours then
    count = count + 1
    latency = latency + tonumber(ms)
    if deaths then redis.call('HDEL', KEYS[4], redis.sha1hex(job)) end
  end
  for _ = 1, tonumber(targets) do
    local head, payload = ARGV[a], ARGV[a + 1]
    a = a + 2
    local kind, at = string.match(head, '^(%a+) (%d+)')
    if kind == 'push' then
      if ours then push(KEYS[tonumber(at)], payload) end
    elseif ours then
      local second, expected, part = string.match(head, '^%a+ %d+ (%d+) (%d+) (.*)$')
      local first = KEYS[tonumber(at)]
      second, expected = KEYS[tonumber(second)], tonumber(expected)
      if kind == 'join' then
        redis.call('HSET', first, part, payload)
        if redis.call('HLEN', first) >= expected then
          push(second, '{"join":[' .. table.concat(redis.call('HVALS', first), ',') .. ']}')
          redis.call('DEL', first)
        end
      else
        local done = expected <= 1
        if done then
          redis.call('HSET', first, 'part:' .. part, payload, 'parts', 1, 'done', clock())
        else
          redis.call('HSET', first, 'part:' .. part, payload)
          done = redis.call('HINCRBY', first, 'parts', 1) >= expected
          if done then redis.call('HSET', first, 'done', clock()) end
        end
        if done then
          completed = completed + 1
          live[version] = (live[version] or 0) - 1
          if second ~= first then
            push(second, id)
            notified[second] = true
          end
          redis.call('EXPIRE', first, ttl)
        end
      end
    end
  end
end
for _, list in ipairs(push_order) do
  local values = pushes[list]
  for i = 1, #values, 1000 do redis.call('LPUSH', list, unpack(values, i, math.min(i + 999, #values))) end
  if notified[list] then redis.call('EXPIRE', list, ttl) end
end
if completed > 0 then redis.call('HINCRBY', KEYS[2], 'completed', completed) end
for version, n in pairs(live) do count_live(KEYS[2], version, n) end
if count > 0 then
  redis.call('HINCRBY', KEYS[3], 'done', count)
  count_rate(KEYS[5], clock(), count, latency)
end
return { committed, taken, refusal or '' }`,
  },

  /** A loop's rate as of now (see RATE). KEYS: rate hash. Returns { previous n, previous ms, current n, current ms, ms into the current bucket }. */
  rate: {
    keys: 1,
    lua: `${NOW_MS}
${RATE}
local now = now_ms()
local pn, pms, n, ms = rate_window(KEYS[1], math.floor(now / 10000))
return { pn, pms, n, ms, now % 10000 }`,
  },

  /**
   * A node failed and has attempts left. KEYS: processing, delayed, loop stats, waiting,
   * deaths hash. ARGV: job, the job as retried, delay ms (0: straight back to the waiting
   * list).
   */
  retry: {
    keys: 5,
    lua: `${NOW_MS}
if redis.call('LREM', KEYS[1], -1, ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[5], redis.sha1hex(ARGV[1]))
local delay = tonumber(ARGV[3])
if delay > 0 then
  redis.call('ZADD', KEYS[2], now_ms() + delay, ARGV[2])
else
  redis.call('RPUSH', KEYS[4], ARGV[2])
end
redis.call('HINCRBY', KEYS[3], 'failed', 1)
return 1`,
  },

  /**
   * A job's mapped node spreads its elements over the loop's workers: the job leaves the
   * processing list for its gather hash, and one message per element joins the waiting list.
   * KEYS: processing, gather hash, waiting, deaths hash. ARGV: job, the job to resume (with
   * its values so far), the job as it entered the loop (for a dead letter), its state (JSON,
   * for a dead letter), the node, then the element messages. Returns 1, or 0 when the job
   * was no longer in the list.
   */
  spread: {
    keys: 4,
    lua: `
if redis.call('LREM', KEYS[1], -1, ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[4], redis.sha1hex(ARGV[1]))
redis.call('HSET', KEYS[2], 'job', ARGV[2], 'entered', ARGV[3], 'state', ARGV[4], 'node', ARGV[5], 'left', #ARGV - 5)
for s = 6, #ARGV, 500 do
  redis.call('LPUSH', KEYS[3], unpack(ARGV, s, math.min(s + 499, #ARGV)))
end
return 1`,
  },

  /**
   * An element of a spread map finished: its result goes into the gather hash once (a second
   * run of the same element, after its worker's lease expired, adds nothing); the last
   * element's result pushes the job, with every element's result, back to the waiting list
   * and deletes the hash. When the hash is gone (the job died of another element) the element
   * only leaves the list. KEYS: processing, gather hash, waiting, deaths hash. ARGV: element
   * message, element index, its result (encoded). Returns 1, or 0 when the element was no
   * longer in the list.
   */
  gather: {
    keys: 4,
    lua: `
if redis.call('LREM', KEYS[1], -1, ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[4], redis.sha1hex(ARGV[1]))
if redis.call('EXISTS', KEYS[2]) == 0 then return 1 end
if redis.call('HSETNX', KEYS[2], 'r:' .. ARGV[2], ARGV[3]) == 1 and redis.call('HINCRBY', KEYS[2], 'left', -1) <= 0 then
  local fields = redis.call('HGETALL', KEYS[2])
  local results = {}
  for i = 1, #fields, 2 do
    if string.sub(fields[i], 1, 2) == 'r:' then results[#results + 1] = cjson.encode(string.sub(fields[i], 3)) .. ':' .. cjson.encode(fields[i + 1]) end
  end
  local job = redis.call('HGET', KEYS[2], 'job')
  local node = redis.call('HGET', KEYS[2], 'node')
  redis.call('LPUSH', KEYS[3], '{"gather":{"job":' .. job .. ',"node":' .. cjson.encode(node) .. ',"results":{' .. table.concat(results, ',') .. '}}}')
  redis.call('DEL', KEYS[2])
end
return 1`,
  },

  /**
   * An element of a spread map failed its last attempt: its job goes to the dead-letter list
   * (once: later elements of a dead job find no gather hash) and the gather hash goes. KEYS:
   * processing, totals, loop stats, dead hash, result hash, notify list (= result hash: none),
   * deaths hash, gather hash. ARGV: element message, job id, dead record (JSON, made with the
   * gather hash's state and job as read before), error (JSON), ttl s, the job's version.
   */
  buryElement: {
    keys: 8,
    lua: `${ADD_DEAD_RECORD}
if redis.call('LREM', KEYS[1], -1, ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[7], redis.sha1hex(ARGV[1]))
if redis.call('EXISTS', KEYS[8]) == 0 then return 1 end
redis.call('DEL', KEYS[8])
redis.call('HINCRBY', KEYS[3], 'dead', 1)
add_dead_record(KEYS[4], KEYS[2], KEYS[5], KEYS[6] ~= KEYS[5] and KEYS[6], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6])
return 1`,
  },

  /** Moves up to ARGV[1] due jobs from a delayed set to the front of the waiting list. KEYS: delayed, waiting. */
  promote: {
    keys: 2,
    lua: `${NOW_MS}
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now_ms(), 'LIMIT', 0, tonumber(ARGV[1]))
for _, job in ipairs(due) do
  redis.call('RPUSH', KEYS[2], job)
  redis.call('ZREM', KEYS[1], job)
end
return #due`,
  },

  /**
   * A job's last attempt failed. KEYS: processing, totals, loop stats, dead hash, result
   * hash, notify list (= result hash: none), deaths hash. ARGV: job, job id, dead record
   * (JSON), error (JSON), ttl s (of the notify list), the job's version. A job that dies in
   * two parallel loops is one dead job with two records.
   */
  bury: {
    keys: 7,
    lua: `${ADD_DEAD_RECORD}
if redis.call('LREM', KEYS[1], -1, ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[7], redis.sha1hex(ARGV[1]))
redis.call('HINCRBY', KEYS[3], 'dead', 1)
add_dead_record(KEYS[4], KEYS[2], KEYS[5], KEYS[6] ~= KEYS[5] and KEYS[6], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6])
return 1`,
  },

  /**
   * Returns the jobs of the given workers of a loop whose lease has expired to the front of
   * the waiting list, and forgets those workers. A job whose worker has died more than
   * ARGV[1] times running it (a node that crashes its process) goes to the reaping worker's
   * own processing list instead, to be buried there (the reaping worker makes its dead
   * record). A worker that left (release) keeps a "left" lease for a while: whatever reaches
   * its list meanwhile (a blocking take that Redis ran after the release) goes back to the
   * waiting list without counting a death, and the worker is forgotten once that lease
   * expires. The caller names the workers (those the previous call returned), so that their
   * keys are declared; one registered since is reaped by the next call. KEYS: workers set,
   * waiting, deaths hash (SHA-1 of a job → deaths in this loop), the reaping worker's
   * processing list, then per worker its lease and its processing list. ARGV: most deaths,
   * then the workers' ids in KEYS order. Returns { returned, { job, deaths, ... } of the jobs
   * to bury, every registered worker }.
   */
  reap: {
    keys: 4,
    variadicKeys: true,
    lua: `
local returned, doomed = 0, {}
local most = tonumber(ARGV[1])
for i = 2, #ARGV do
  local worker, lease_key, processing = ARGV[i], KEYS[2 * i + 1], KEYS[2 * i + 2]
  local lease = redis.call('GET', lease_key)
  if lease ~= '${LIVE_LEASE}' and redis.call('SISMEMBER', KEYS[1], worker) == 1 then
    local left = lease == '${LEFT_LEASE}'
    while true do
      local job = redis.call('RPOP', processing)
      if not job then break end
      local deaths = 0
      if not left then deaths = redis.call('HINCRBY', KEYS[3], redis.sha1hex(job), 1) end
      if deaths > most then
        redis.call('LPUSH', KEYS[4], job)
        doomed[#doomed + 1] = job
        doomed[#doomed + 1] = deaths
      else
        redis.call('RPUSH', KEYS[2], job)
        returned = returned + 1
      end
    end
    if not left then redis.call('SREM', KEYS[1], worker) end
  end
end
return { returned, doomed, redis.call('SMEMBERS', KEYS[1]) }`,
  },

  /**
   * Renews a worker's lease and (re)registers it, also when Redis is out of memory; not
   * once the worker has left (a renewal Redis runs after the release). KEYS: lease, workers
   * set. ARGV: worker id, ttl ms.
   */
  /**
   * Adds a call's record (ARGV[1]) to a capture point's stream, capped near ARGV[2] entries
   * and expiring with the point, unless the point is gone (-1: withdrawn or expired) or has
   * all the records it asked for (0). Else the number of records it has now.
   */
  recordCapture: {
    keys: 2,
    lua: `local count = tonumber(redis.call('HGET', KEYS[1], 'count'))
if not count then return -1 end
local recorded = tonumber(redis.call('HGET', KEYS[1], 'recorded')) or 0
if recorded >= count then return 0 end
redis.call('HSET', KEYS[1], 'recorded', recorded + 1)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'r', ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
return recorded + 1`,
  },
  /** A worker (ARGV[1]) says it has the capture point: 1, or 0 when the point is gone. */
  ackCapture: {
    keys: 1,
    lua: `if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'w:' .. ARGV[1], 1)
return 1`,
  },
  renewLease: {
    keys: 2,
    lua: `#!lua flags=allow-oom
if redis.call('GET', KEYS[1]) == '${LEFT_LEASE}' then return 0 end
redis.call('SET', KEYS[1], '${LIVE_LEASE}', 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
return 1`,
  },

  /**
   * A worker leaves: every job still in its processing list goes back to the front of the
   * waiting list, also when Redis is out of memory. The worker stays registered with a
   * "left" lease for ARGV[1] ms, so that the reaper returns a job that still reaches its list
   * (see reap). KEYS: processing, waiting, lease. ARGV: how long the left lease lasts, ms.
   */
  release: {
    keys: 3,
    lua: `#!lua flags=allow-oom
local returned = 0
while redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT') do returned = returned + 1 end
redis.call('SET', KEYS[3], '${LEFT_LEASE}', 'PX', ARGV[1])
return returned`,
  },

  /** Removes a message that is not a job from a processing list for good. KEYS: processing, deaths hash. ARGV: the message. */
  discard: {
    keys: 2,
    lua: `
if redis.call('LREM', KEYS[1], -1, ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[2], redis.sha1hex(ARGV[1]))
return 1`,
  },

  /** Returns one job from a processing list to the front of the waiting list. KEYS: processing, waiting. ARGV: job. */
  returnJob: {
    keys: 2,
    lua: `
if redis.call('LREM', KEYS[1], -1, ARGV[1]) == 0 then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[1])
return 1`,
  },

  /**
   * Enqueues a batch of jobs and counts them (and them as live jobs of their version).
   * KEYS: totals, then the waiting list of each entry loop. ARGV: jobs per loop (n), their
   * version; then, per entry loop, its n messages.
   */
  submit: {
    keys: 1,
    variadicKeys: true,
    lua: `${COUNT_LIVE}
local n = tonumber(ARGV[1])
for i = 2, #KEYS do
  local first = 3 + (i - 2) * n
  for s = first, first + n - 1, 500 do
    redis.call('LPUSH', KEYS[i], unpack(ARGV, s, math.min(s + 499, first + n - 1)))
  end
end
redis.call('HINCRBY', KEYS[1], 'submitted', n)
count_live(KEYS[1], ARGV[2], n)
return n`,
  },

  /**
   * Forgets a dead job's records (it stays counted as dead); its result expires after ARGV[2]
   * s and the parts waiting in its joins go. KEYS: dead hash, result hash, then the job's join
   * hashes. ARGV: job id, ttl s. Returns 1, or 0 when there was no such dead job.
   */
  drop: {
    keys: 2,
    variadicKeys: true,
    lua: `
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[2]))
for i = 3, #KEYS do redis.call('DEL', KEYS[i]) end
return 1`,
  },

  /**
   * Puts a dead job's parts back on their loops' waiting lists, as a live job of the given
   * version. KEYS: dead hash, totals, result hash, then one waiting list per record. ARGV:
   * job id, the records as read (unchanged since: else nothing happens), the version, then
   * one message per record.
   */
  resurrect: {
    keys: 3,
    variadicKeys: true,
    lua: `${COUNT_LIVE}
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
for i = 4, #KEYS do redis.call('RPUSH', KEYS[i], ARGV[i]) end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[3], 'dead')
redis.call('HINCRBY', KEYS[2], 'dead', -1)
count_live(KEYS[2], ARGV[3], 1)
return 1`,
  },

  /**
   * Removes the given versions that no unfinished job uses. KEYS: totals, versions set,
   * then each version's hash. ARGV: the version numbers, in the same order. Returns how
   * many it removed.
   */
  dropVersions: {
    keys: 2,
    variadicKeys: true,
    lua: `
local dropped = 0
for i = 3, #KEYS do
  local version = ARGV[i - 2]
  if tonumber(redis.call('HGET', KEYS[1], 'live:' .. version) or '0') <= 0 then
    redis.call('DEL', KEYS[i])
    redis.call('ZREM', KEYS[2], version)
    redis.call('HDEL', KEYS[1], 'live:' .. version)
    dropped = dropped + 1
  end
end
return dropped`,
  },
} as const;

export type QueueScriptName = keyof typeof QUEUE_SCRIPTS;
