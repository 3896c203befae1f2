package store

import (
	"fmt"
	"testing"
)

func filled(b *testing.B, n int) *Store {
	st := New()
	_, err := st.Write(func(tx *Tx) error {
		for i := 0; i < n; i++ {
			if err := tx.Insert("db", "c", doc(int32(i), "k", int32(i))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return st
}

// The _id index without the wire: the cost does not grow with the
// collection.
func BenchmarkFindID(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			st := filled(b, n)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				st.View(func(r Reader) {
					if _, ok := r.Coll("db", "c").FindID(int32(i % n)); !ok {
						b.Fatal("not found")
					}
				})
			}
		})
	}
}

func BenchmarkInsert(b *testing.B) {
	st := New()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, err := st.Write(func(tx *Tx) error { return tx.Insert("db", "c", doc(int32(i), "k", int32(i))) })
		if err != nil {
			b.Fatal(err)
		}
	}
}
