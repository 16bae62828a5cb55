// Command serve answers predictions over HTTP with the models built into
// it:
//
//	curl -d '{"features": [5.1, 3.5, 1.4, 0.2]}' localhost:8080/iris
//	{"class":"setosa","probabilities":{"setosa":0.99998,"versicolor":1.9e-05,"virginica":9.2e-11}}
//
// POST /cancer takes the 30 measurements of the breast cancer data.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"

	"github.com/nngen/nngen/examples/embed/models"
)

func main() {
	addr := flag.String("addr", "localhost:8080", "address to listen on")
	flag.Parse()
	log.Printf("serving on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, handler()))
}

// request is the body of a prediction request.
type request struct {
	Features []float64 `json:"features"`
}

// response is a prediction: the class and the probability of each class.
type response struct {
	Class         string             `json:"class"`
	Probabilities map[string]float64 `json:"probabilities"`
}

func handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /iris", func(w http.ResponseWriter, r *http.Request) {
		var x [models.IrisInputs]float64
		if !decode(w, r, x[:]) {
			return
		}
		p := models.IrisTrained.Forward(&x)
		res := response{Class: models.IrisTrained.PredictClass(&x), Probabilities: map[string]float64{}}
		for k, c := range models.IrisClasses {
			res.Probabilities[c] = p[k]
		}
		reply(w, res)
	})
	mux.HandleFunc("POST /cancer", func(w http.ResponseWriter, r *http.Request) {
		var x [models.CancerInputs]float64
		if !decode(w, r, x[:]) {
			return
		}
		p := models.CancerTrained.Forward(&x)[0]
		reply(w, response{Class: models.CancerTrained.PredictClass(&x), Probabilities: map[string]float64{
			models.CancerClasses[0]: 1 - p, models.CancerClasses[1]: p,
		}})
	})
	return mux
}

// decode reads the features of a request into x, or answers 400.
func decode(w http.ResponseWriter, r *http.Request, x []float64) bool {
	var req request
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
		http.Error(w, "invalid JSON: "+err.Error(), http.StatusBadRequest)
		return false
	}
	if len(req.Features) != len(x) {
		http.Error(w, fmt.Sprintf("want %d features, got %d", len(x), len(req.Features)), http.StatusBadRequest)
		return false
	}
	copy(x, req.Features)
	return true
}

func reply(w http.ResponseWriter, res response) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(res)
}
