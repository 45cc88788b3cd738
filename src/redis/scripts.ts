import { createHash } from 'node:crypto';

/**
 * The Lua scripts that make the cluster-wide decisions atomic inside Redis: who owns a name, which
 * nodes are alive (a lease per node, renewed by its heartbeat, judged by Redis's own clock), and the
 * clean-up of a dead node. Releasing names and dropping a node publish their message in the same
 * step; a name taken is announced by its node once it holds it locally, so that the message takes
 * its place among the node's other messages (a state snapshot sent meanwhile cannot overtake it).
 *
 * Keys: `<prefix>:names` (hash: name → owning ref id, `<node>.<n>`), `<prefix>:nodes` (sorted set:
 * node → lease end in ms), `<prefix>:node-names:<node>` (set: the names a node owns, so that its
 * death costs what it owned). These build key names inside the scripts, so they need a single Redis
 * (a primary, with replicas or Sentinel), not Redis Cluster.
 */

/** A script and its SHA1, for EVALSHA. */
export interface Script {
  readonly source: string;
  readonly sha: string;
}

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * Drops a node: its names (those it still owns), its name set, its lease; publishes `down`.
 * Defined once, used by the reaper and by a node leaving on purpose.
 */
const DROP = `local function drop(node)
  local set = ARGV[1] .. node
  local prefix = node .. '.'
  for _, name in ipairs(redis.call('SMEMBERS', set)) do
    local owner = redis.call('HGET', KEYS[2], name)
    if owner and string.sub(owner, 1, #prefix) == prefix then redis.call('HDEL', KEYS[2], name) end
  end
  redis.call('DEL', set)
  redis.call('ZREM', KEYS[1], node)
  redis.call('PUBLISH', ARGV[2], 'D' .. #node .. ':' .. node)
end`;

/**
 * KEYS: nodes, names, this node's name set. ARGV: name, ref id.
 * Returns 1 if `name` is now (or already was) the ref's; 0 if a live node's connection has it. A
 * name whose owner's lease ran out is free, even before the reaper gets to it.
 */
export const REGISTER = script(`${NOW}
local current = redis.call('HGET', KEYS[2], ARGV[1])
if current == ARGV[2] then return 1 end
if current then
  local lease = redis.call('ZSCORE', KEYS[1], string.match(current, '^([^.]*)'))
  if lease and tonumber(lease) > now then return 0 end
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[1])
return 1`);

/**
 * KEYS: names, this node's name set. ARGV: ref id, channel, message, names…
 * Frees names a connection held (those it still owns) and publishes its end (or `unname`).
 */
export const RELEASE = script(`for i = 4, #ARGV do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[1] then redis.call('HDEL', KEYS[1], ARGV[i]) end
  redis.call('SREM', KEYS[2], ARGV[i])
end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1`);

/**
 * KEYS: nodes, names. ARGV: name-set key prefix, channel, node, lease ms.
 * Renews this node's lease, then drops up to 16 nodes whose lease ended. Returns 1 if this node was
 * not in the set (it had been dropped, or Redis lost its data): it must announce itself again.
 */
export const HEARTBEAT = script(`${NOW}
${DROP}
for _, node in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 16)) do
  if node ~= ARGV[3] then drop(node) end
end
return redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[3])`);

/** KEYS: nodes, names. ARGV: name-set key prefix, channel, node. A node leaving on purpose. */
export const LEAVE = script(`${DROP}
drop(ARGV[3])
return 1`);

function script(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}
