package wirehost

import (
	"time"
)

// ConfigureFailPoint is the built-in handler of the server's test command,
// so that spec tests which arm failCommand through the client run here:
//
//	{configureFailPoint: "failCommand", mode: {times: n} | "alwaysOn" | "off",
//	 data: {failCommands: [...], errorCode, errorLabels, closeConnection,
//	        writeConcernError: {code, codeName, errmsg}, blockConnection,
//	        blockTimeMS, appName}}
//
// "off" clears every fail point of the host.
func (s *Server) ConfigureFailPoint(req *Request) Reply {
	if name, _ := req.Lookup("configureFailPoint").StringValue(); name != "failCommand" {
		return Error(2, "BadValue", "mockserver: only the failCommand fail point is supported")
	}
	var fp FailPoint
	mode := req.Lookup("mode")
	if m, ok := mode.StringValue(); ok {
		switch m {
		case "off":
			s.ClearFailPoints()
			return OK()
		case "alwaysOn":
		default:
			return Error(2, "BadValue", "mockserver: unknown fail point mode "+m)
		}
	} else if times, ok := mode.Document(); ok {
		n, ok := times.Lookup("times").AsInt64()
		if !ok || n <= 0 {
			return Error(2, "BadValue", "mockserver: fail point mode needs times > 0")
		}
		fp.Times = int(n)
	} else {
		return Error(2, "BadValue", "mockserver: fail point mode must be a string or {times: n}")
	}
	data, _ := req.Lookup("data").Document()
	if cmds, ok := data.Lookup("failCommands").Array(); ok {
		for _, v := range cmds.All() {
			if name, ok := v.StringValue(); ok {
				fp.Commands = append(fp.Commands, name)
			}
		}
	}
	if code, ok := data.Lookup("errorCode").AsInt64(); ok {
		fp.Code = int32(code)
	}
	if labels, ok := data.Lookup("errorLabels").Array(); ok {
		fp.Labels = []string{} // present and empty: no labels
		for _, v := range labels.All() {
			if l, ok := v.StringValue(); ok {
				fp.Labels = append(fp.Labels, l)
			}
		}
	}
	if closeConn, _ := data.Lookup("closeConnection").Boolean(); closeConn {
		fp.Action = CloseAfterRead
	}
	if wce, ok := data.Lookup("writeConcernError").Document(); ok {
		fp.WriteConcernError = true
		code, _ := wce.Lookup("code").AsInt64()
		fp.Code = int32(code)
		fp.CodeName, _ = wce.Lookup("codeName").StringValue()
		fp.ErrMsg, _ = wce.Lookup("errmsg").StringValue()
	}
	if block, _ := data.Lookup("blockConnection").Boolean(); block {
		ms, _ := data.Lookup("blockTimeMS").AsInt64()
		fp.Delay = time.Duration(ms) * time.Millisecond
	}
	fp.AppName, _ = data.Lookup("appName").StringValue()
	s.FailCommand(fp)
	return OK()
}
