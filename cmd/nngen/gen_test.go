package main

import "testing"

// TestCommandLine checks the command line that a generated file's header
// records: arguments a shell would split or expand are quoted.
func TestCommandLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-weights", "w.safetensors", "-o", "models/iris.go", "iris.yaml"}, "nngen gen -weights w.safetensors -o models/iris.go iris.yaml"},
		{[]string{"-weights=my weights.safetensors", "it's.yaml"}, `nngen gen '-weights=my weights.safetensors' 'it'\''s.yaml'`},
		{[]string{"-pkg", "", "$HOME/a*.yaml"}, `nngen gen -pkg '' '$HOME/a*.yaml'`},
	} {
		if got := commandLine("nngen gen", tc.args); got != tc.want {
			t.Errorf("commandLine(%q) = %s, want %s", tc.args, got, tc.want)
		}
	}
}
