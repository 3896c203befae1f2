package auth

import (
	"bytes"
	"testing"
)

// The server's keys are the ones the fake server (an independent
// derivation) checks proofs against.
func TestSCRAMServerKeysMatchTheFakeServer(t *testing.T) {
	for _, mech := range []string{MechanismSCRAMSHA1, MechanismSCRAMSHA256} {
		fs := newFakeServer(t)
		wantStored, wantServer := fs.keys(mech)
		stored, server, err := SCRAMServerKeys(mech, fs.user, fs.password, fs.salt, fs.iter)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(stored, wantStored) || !bytes.Equal(server, wantServer) {
			t.Errorf("%s: keys differ from the fake server's", mech)
		}
	}
	if _, _, err := SCRAMServerKeys("PLAIN", "u", "p", []byte("s"), 4096); err == nil {
		t.Error("PLAIN: no error")
	}
}
