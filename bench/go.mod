module github.com/torque-go/torque/bench

go 1.25.0

require github.com/torque-go/torque v0.0.0

require (
	github.com/klauspost/compress v1.20.3 // indirect
	go.mongodb.org/mongo-driver/v2 v2.10.0
)

replace github.com/torque-go/torque => ../
