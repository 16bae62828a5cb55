// Package spec reads and validates nngen model specifications.
//
// A spec is a YAML file describing one multilayer perceptron:
//
//	name: Iris            # Go type name of the generated model
//	package: iris         # optional Go package name
//	dtype: float64        # float32 or float64
//	inputs: 4             # features per sample
//	init: he_uniform      # he_uniform, he_normal, xavier_uniform, xavier_normal
//	seed: 1               # seed of the initialization
//	unroll: auto          # auto, full or loops
//	layers:
//	  - units: 16
//	    activation: relu
//	    dropout: 0.2      # optional: training drops each unit with this probability
//	  - units: 3
//	    activation: softmax # the head: softmax, sigmoid or identity
//	loss: cross_entropy   # optional, follows from the head
//	train:                # optional training defaults, which flags override
//	  weight_decay: 0.0001
//	  class_weight: balanced # or a weight per class: {setosa: 1, virginica: 2}
//
// Parse decodes strictly: every unknown key, wrong type and invalid value
// is reported, all at once, as "file:line:col: message".
package spec
