go.mod
module example.com/demo

go 1.19

require golang.org/x/text v0.3.7

require (
	github.com/gin-gonic/gin v1.6.0
	golang.org/x/net v0.0.1 // indirect
)

replace golang.org/x/net => golang.org/x/net v0.7.0
