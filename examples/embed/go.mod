module github.com/nngen/nngen/examples/embed

go 1.26

tool github.com/nngen/nngen/cmd/nngen

require (
	github.com/dave/jennifer v1.7.1 // indirect
	github.com/nngen/nngen v0.0.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)

replace github.com/nngen/nngen => ../..
