package bench

import (
	"context"
	"errors"
)

// OpenTorque connects torque's client to uri. (placeholder until package client has CRUD)
func OpenTorque(ctx context.Context, uri string) (Driver, error) {
	return nil, errors.New("torque client: not yet available")
}
