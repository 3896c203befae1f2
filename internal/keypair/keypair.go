package keypair

import "crypto/tls"

// Load reads tlsCertificateKeyFile (PEM certificates and one private
// key, the key decrypted with password when it is encrypted). It is nil
// until package clientcert is imported; pool refuses the option then.
var Load func(file, password string) (tls.Certificate, error)
