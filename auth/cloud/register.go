package cloud

import (
	"github.com/torque-go/torque/auth/aws"
	"github.com/torque-go/torque/auth/oidc"
)

// init registers DefaultConfig's sources with the two mechanisms; importing
// this package links (and so enables) MONGODB-AWS and MONGODB-OIDC too.
func init() {
	cfg := DefaultConfig()
	aws.RegisterProvider(cfg.AWSProvider())
	oidc.RegisterEnvironment("azure", cfg.AzureEnvironment)
	oidc.RegisterEnvironment("gcp", cfg.GCPEnvironment)
}
