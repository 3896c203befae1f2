package pool

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unicode/utf8"

	"github.com/torque-go/torque/bson"
)

// DriverName and DriverVersion identify torque in the handshake's client
// metadata.
const (
	DriverName    = "torque"
	DriverVersion = "0.1.0-dev"
)

// Limits of the handshake specification.
const (
	maxMetadataSize = 512 // the whole client document, BSON overhead included
	maxAppNameSize  = 128 // client.application.name, in bytes
)

// metadata is the client document's content before encoding.
type metadata struct {
	appName                   string
	driverName, driverVersion string
	osType, osName, osArch    string
	platform                  string
	env                       *Env
}

func newMetadata(cfg *ConnConfig) (metadata, error) {
	return buildMetadata(cfg, cfg.MoreDriverInfo.get())
}

// buildMetadata is newMetadata with more as the appended DriverInfo.
func buildMetadata(cfg *ConnConfig, more []DriverInfo) (metadata, error) {
	if len(cfg.AppName) > maxAppNameSize {
		return metadata{}, fmt.Errorf("appname is %d bytes, the limit is %d", len(cfg.AppName), maxAppNameSize)
	}
	m := metadata{
		appName:       cfg.AppName,
		driverName:    DriverName,
		driverVersion: DriverVersion,
		osType:        osType(runtime.GOOS),
		osName:        runtime.GOOS,
		osArch:        runtime.GOARCH,
		platform:      runtime.Version() + " " + runtime.Compiler,
		env:           cfg.Env,
	}
	for _, d := range append(cfg.DriverInfo[:len(cfg.DriverInfo):len(cfg.DriverInfo)], more...) {
		for _, s := range []string{d.Name, d.Version, d.Platform} {
			if strings.Contains(s, "|") {
				return metadata{}, fmt.Errorf("driver info %q contains the separator '|'", s)
			}
		}
		m.driverName += "|" + d.Name
		m.driverVersion += "|" + d.Version
		if d.Platform != "" {
			m.platform += "|" + d.Platform
		}
	}
	return m, nil
}

// osType is uname -s for the common systems.
func osType(goos string) string {
	switch goos {
	case "linux":
		return "Linux"
	case "darwin", "ios":
		return "Darwin"
	case "windows":
		return "Windows"
	case "freebsd", "openbsd", "netbsd", "dragonfly":
		return "BSD"
	case "":
		return "unknown"
	}
	return "Unix"
}

// Steps of the handshake spec's truncation order, each keeping less.
const (
	fullMetadata = iota
	envNameOnly  // env keeps only its name
	osTypeOnly   // and os only its type
	noEnv        // and env goes
)

// appendClientMetadata appends the "client" element of the hello, kept
// within 512 bytes by the specification's truncation order: the env
// document loses all but its name, then the os document all but its type,
// then env goes, then platform is cut.
func appendClientMetadata(dst []byte, m metadata) ([]byte, error) {
	start := len(dst)
	const overhead = len("\x03client\x00")
	var err error
	for step := fullMetadata; step <= noEnv; step++ {
		if dst, err = m.appendElement(dst[:start], step); err != nil || len(dst)-start-overhead <= maxMetadataSize {
			return dst, err
		}
	}
	over := len(dst) - start - overhead - maxMetadataSize
	if over > len(m.platform) {
		return dst[:start], errors.New("client metadata exceeds 512 bytes even without platform: shorten the appname or driver info")
	}
	cut := len(m.platform) - over
	for cut > 0 && !utf8.RuneStart(m.platform[cut]) {
		cut--
	}
	m.platform = m.platform[:cut]
	return m.appendElement(dst[:start], noEnv)
}

func (m metadata) appendElement(dst []byte, step int) ([]byte, error) {
	doc, dst := bson.AppendDocumentElementStart(dst, "client")
	var err error
	if m.appName != "" {
		var app int
		app, dst = bson.AppendDocumentElementStart(dst, "application")
		dst = bson.AppendStringElement(dst, "name", m.appName)
		if dst, err = bson.AppendDocumentEnd(dst, app); err != nil {
			return dst, err
		}
	}
	drv, dst := bson.AppendDocumentElementStart(dst, "driver")
	dst = bson.AppendStringElement(dst, "name", m.driverName)
	dst = bson.AppendStringElement(dst, "version", m.driverVersion)
	if dst, err = bson.AppendDocumentEnd(dst, drv); err != nil {
		return dst, err
	}
	osDoc, dst := bson.AppendDocumentElementStart(dst, "os")
	dst = bson.AppendStringElement(dst, "type", m.osType)
	if step < osTypeOnly {
		dst = bson.AppendStringElement(dst, "name", m.osName)
		dst = bson.AppendStringElement(dst, "architecture", m.osArch)
	}
	if dst, err = bson.AppendDocumentEnd(dst, osDoc); err != nil {
		return dst, err
	}
	if m.platform != "" {
		dst = bson.AppendStringElement(dst, "platform", m.platform)
	}
	if step < noEnv {
		if dst, err = appendEnv(dst, m.env, step == fullMetadata); err != nil {
			return dst, err
		}
	}
	return bson.AppendDocumentEnd(dst, doc)
}

// appendEnv appends client.env: nothing when e has no field to send; only
// the name when !full.
func appendEnv(dst []byte, e *Env, full bool) ([]byte, error) {
	if e.empty() || !full && e.Name == "" {
		return dst, nil
	}
	env, dst := bson.AppendDocumentElementStart(dst, "env")
	if e.Name != "" {
		dst = bson.AppendStringElement(dst, "name", e.Name)
	}
	if !full {
		return bson.AppendDocumentEnd(dst, env)
	}
	if e.TimeoutSec != 0 {
		dst = bson.AppendInt32Element(dst, "timeout_sec", e.TimeoutSec)
	}
	if e.MemoryMB != 0 {
		dst = bson.AppendInt32Element(dst, "memory_mb", e.MemoryMB)
	}
	if e.Region != "" {
		dst = bson.AppendStringElement(dst, "region", e.Region)
	}
	if e.ContainerRuntime != "" || e.Orchestrator != "" {
		var c int
		c, dst = bson.AppendDocumentElementStart(dst, "container")
		if e.ContainerRuntime != "" {
			dst = bson.AppendStringElement(dst, "runtime", e.ContainerRuntime)
		}
		if e.Orchestrator != "" {
			dst = bson.AppendStringElement(dst, "orchestrator", e.Orchestrator)
		}
		var err error
		if dst, err = bson.AppendDocumentEnd(dst, c); err != nil {
			return dst, err
		}
	}
	return bson.AppendDocumentEnd(dst, env)
}
