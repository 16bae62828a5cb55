package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestServe(t *testing.T) {
	srv := httptest.NewServer(handler())
	defer srv.Close()
	for _, tc := range []struct {
		path, body string
		status     int
		want       string
	}{
		{"/iris", `{"features": [5.1, 3.5, 1.4, 0.2]}`, 200, `{"class":"setosa","probabilities":{"setosa":0.99998`},
		{"/iris", `{"features": [6.3, 3.3, 6.0, 2.5]}`, 200, `{"class":"virginica"`},
		{"/iris", `{"features": [1, 2]}`, 400, "want 4 features, got 2"},
		{"/iris", `{"features": [1, 2`, 400, "invalid JSON"},
		{"/cancer", `{"features": [17.99,10.38,122.8,1001,0.1184,0.2776,0.3001,0.1471,0.2419,0.07871,1.095,0.9053,8.589,153.4,0.006399,0.04904,0.05373,0.01587,0.03003,0.006193,25.38,17.33,184.6,2019,0.1622,0.6656,0.7119,0.2654,0.4601,0.1189]}`, 200, `{"class":"malignant"`},
	} {
		res, err := http.Post(srv.URL+tc.path, "application/json", strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.status || !strings.Contains(string(b), tc.want) {
			t.Errorf("POST %s %s: %d %s; want %d %s", tc.path, tc.body, res.StatusCode, b, tc.status, tc.want)
		}
	}
	res, err := http.Get(srv.URL + "/iris")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /iris: %d, want 405", res.StatusCode)
	}
}
