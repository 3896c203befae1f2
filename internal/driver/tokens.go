package driver

import "sync/atomic"

// TokenBucket is a client's retry token bucket (adaptive retries, in the
// client backpressure specification's adaptive retry policy): it starts
// full at 1000 tokens; an operation's success deposits 0.1 token (1.1
// when it succeeded on a retry), a retry that fails with an error other
// than an overload error deposits 1, and each retry after an overload
// error takes 1 — when none is left, the retry is refused and the error
// returned. Tokens are counted in tenths, in one atomic integer: it is
// safe for concurrent use and never allocates. The zero value is an empty
// bucket; NewTokenBucket makes a full one.
type TokenBucket struct {
	tenths atomic.Int64
}

// Token amounts, in tenths of a token.
const (
	tokenReturn   = 1     // RETRY_TOKEN_RETURN_RATE, 0.1
	tokenOne      = 10    // one token
	tokenCapacity = 10000 // DEFAULT_RETRY_TOKEN_CAPACITY, 1000 tokens
)

// NewTokenBucket returns a bucket at its capacity, 1000 tokens.
func NewTokenBucket() *TokenBucket {
	b := &TokenBucket{}
	b.tenths.Store(tokenCapacity)
	return b
}

// Tokens is the number of tokens in the bucket.
func (b *TokenBucket) Tokens() float64 { return float64(b.tenths.Load()) / tokenOne }

// SetTokens sets the number of tokens, rounded down to a tenth and capped
// at the capacity (for tests).
func (b *TokenBucket) SetTokens(n float64) {
	b.tenths.Store(min(tokenCapacity, max(0, int64(n*tokenOne))))
}

// deposit adds n tenths, up to the capacity.
func (b *TokenBucket) deposit(n int64) {
	for {
		t := b.tenths.Load()
		if t >= tokenCapacity {
			return
		}
		if b.tenths.CompareAndSwap(t, min(tokenCapacity, t+n)) {
			return
		}
	}
}

// consume takes one token, reporting whether there was one.
func (b *TokenBucket) consume() bool {
	for {
		t := b.tenths.Load()
		if t < tokenOne {
			return false
		}
		if b.tenths.CompareAndSwap(t, t-tokenOne) {
			return true
		}
	}
}
