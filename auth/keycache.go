package auth

import (
	"crypto/sha256"
	"sync"
)

// The SCRAM key cache. Deriving SaltedPassword costs thousands of HMAC
// rounds (15,000 for a default MongoDB SCRAM-SHA-256 user), and every new
// connection of a pool authenticates, so the derived ClientKey and ServerKey
// are kept, as the auth spec requires, keyed by everything they depend on:
// the mechanism, the prepared password, the salt and the iteration count.
// The password is only held as its SHA-256 digest inside the key.

// defaultKeyCacheSize bounds the cache: a client talks to a few users at
// most, and entries are small (two hash-sized keys).
const defaultKeyCacheSize = 64

type scramCacheKey struct {
	mechanism string
	password  [sha256.Size]byte // SHA-256 of the prepared password
	salt      string
	iter      int
}

type scramKeys struct {
	clientKey, serverKey []byte
}

// keyCache is a bounded map of derived SCRAM keys, safe for concurrent use.
// When full it drops an arbitrary entry: any eviction order is correct, and
// a working set larger than the bound is not a use this cache serves.
type keyCache struct {
	mu      sync.Mutex
	max     int
	entries map[scramCacheKey]scramKeys
	hits    uint64 // lookups answered (for tests and curiosity)
	misses  uint64 // lookups that had to derive the keys
}

func newKeyCache(max int) *keyCache {
	return &keyCache{max: max, entries: make(map[scramCacheKey]scramKeys)}
}

var defaultKeyCache = newKeyCache(defaultKeyCacheSize)

func (c *keyCache) get(k scramCacheKey) (scramKeys, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.entries[k]
	if ok {
		c.hits++
	} else {
		c.misses++
	}
	return v, ok
}

func (c *keyCache) put(k scramCacheKey, v scramKeys) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[k]; !ok && len(c.entries) >= c.max {
		for old := range c.entries {
			delete(c.entries, old)
			break
		}
	}
	c.entries[k] = v
}

// stats returns the number of entries, hits and misses.
func (c *keyCache) stats() (entries int, hits, misses uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries), c.hits, c.misses
}
