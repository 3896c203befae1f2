package auth

import (
	"context"
	"sync"
	"testing"
)

func TestKeyCacheHit(t *testing.T) {
	cache := newKeyCache(8)
	v := scramVectors[1]
	for i := 0; i < 3; i++ {
		c := newSCRAMClientPrepared(v.mechanism, v.user, v.password, v.nonce, cache)
		got, err := c.clientFinal(context.Background(), []byte(v.serverFirst))
		if err != nil || string(got) != v.clientFinal {
			t.Fatalf("round %d: %q, %v", i, got, err)
		}
	}
	n, hits, misses := cache.stats()
	if n != 1 || hits != 2 || misses != 1 {
		t.Fatalf("entries=%d hits=%d misses=%d; want 1, 2, 1", n, hits, misses)
	}
	// Any change of mechanism, password, salt or count is a new entry.
	other := newSCRAMClientPrepared(v.mechanism, v.user, "pencil2", v.nonce, cache)
	if _, err := other.clientFinal(context.Background(), []byte(v.serverFirst)); err != nil {
		t.Fatal(err)
	}
	if n, _, misses := cache.stats(); n != 2 || misses != 2 {
		t.Fatalf("after another password: entries=%d misses=%d; want 2, 2", n, misses)
	}
}

func TestKeyCacheBounded(t *testing.T) {
	cache := newKeyCache(4)
	for i := 0; i < 10; i++ {
		cache.put(scramCacheKey{mechanism: "m", iter: i}, scramKeys{})
	}
	if n, _, _ := cache.stats(); n != 4 {
		t.Fatalf("entries = %d; want the bound 4", n)
	}
	// The newest entry survives eviction.
	if _, ok := cache.get(scramCacheKey{mechanism: "m", iter: 9}); !ok {
		t.Fatal("newest entry evicted")
	}
}

func TestKeyCacheConcurrent(t *testing.T) {
	cache := newKeyCache(8)
	v := scramVectors[1]
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newSCRAMClientPrepared(v.mechanism, v.user, v.password, v.nonce, cache)
			got, err := c.clientFinal(context.Background(), []byte(v.serverFirst))
			if err == nil && string(got) != v.clientFinal {
				err = errMismatch
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n, hits, misses := cache.stats(); n != 1 || hits+misses != 16 {
		t.Fatalf("entries=%d hits+misses=%d; want 1 and 16", n, hits+misses)
	}
}
