package cloud

import "github.com/torque-go/torque/auth"

func init() {
	cfg := DefaultConfig()
	auth.RegisterAWSProvider(cfg.AWSProvider())
	auth.RegisterOIDCEnvironment("azure", cfg.AzureEnvironment)
	auth.RegisterOIDCEnvironment("gcp", cfg.GCPEnvironment)
}
