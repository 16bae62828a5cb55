package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"iris", "5.1", "3.5", "1.4", "0.2"}, 0, "setosa\n"},
		{[]string{"iris", "6.3", "3.3", "6.0", "2.5"}, 0, "virginica\n"},
		{[]string{"cancer", "17.99", "10.38", "122.8", "1001", "0.1184", "0.2776", "0.3001", "0.1471", "0.2419", "0.07871", "1.095", "0.9053", "8.589", "153.4", "0.006399", "0.04904", "0.05373", "0.01587", "0.03003", "0.006193", "25.38", "17.33", "184.6", "2019", "0.1622", "0.6656", "0.7119", "0.2654", "0.4601", "0.1189"}, 0, "malignant (p(malignant) = "},
		{[]string{"iris", "1"}, 2, "classify: iris takes 4 values, got 1\n"},
		{[]string{"iris", "x", "1", "1", "1"}, 2, "classify: argument 2: \"x\" is not a number\n"},
		{[]string{"rose"}, 2, "classify: unknown model \"rose\" (want iris or cancer)\n"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(tc.args, &stdout, &stderr)
		got := stdout.String() + stderr.String()
		if code != tc.code || !strings.HasPrefix(got, tc.want) {
			t.Errorf("classify %v: status %d, output %q; want %d, %q…", tc.args, code, got, tc.code, tc.want)
		}
	}
}
