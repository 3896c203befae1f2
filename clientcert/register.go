package clientcert

import "github.com/torque-go/torque/internal/keypair"

func init() { keypair.Load = Load }
