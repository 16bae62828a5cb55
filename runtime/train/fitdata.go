package train

import (
	"context"
	"fmt"

	"github.com/nngen/nngen/runtime/model"
)

// FitData trains m on the data of a run, as [Fit] does, with d's seed
// and metadata given once: it initializes m with d.Seed (unless
// cfg.ResumeFrom continues a run), trains it on d.Train with d.Val as
// the validation set and d.Seed as Config.Seed, and fills the fields
// that cfg.Meta leaves empty from d.Meta. cfg.Seed must be 0 or d.Seed.
// The history's Meta is the metadata to save the weights with:
//
//	d, err := train.Load(&m, train.Sources{Train: "iris.csv", ValSplit: 0.2, Seed: 1})
//	...
//	h, err := train.FitData(ctx, &m, d, train.Config[float64]{Epochs: 100, Batch: 16, Optimizer: opt, LR: 0.01})
//	...
//	err = train.SaveWeights("iris.safetensors", &m, h.Meta)
//
// If cfg is not valid, FitData returns its error before it changes m.
func FitData[T model.Float, M any, P model.Model[T, M]](ctx context.Context, m P, d *Data[T], cfg Config[T]) (History, error) {
	if cfg.Seed != 0 && cfg.Seed != d.Seed {
		return History{}, fmt.Errorf("train: FitData: Config.Seed is %d, the data's seed %d: leave it 0, the seed is Data.Seed", cfg.Seed, d.Seed)
	}
	cfg.Seed = d.Seed
	cfg.Meta = cfg.Meta.filled(d.Meta)
	if err := cfg.Validate(); err != nil {
		return History{}, err
	}
	if cfg.ResumeFrom == "" {
		m.Init(d.Seed)
	}
	return Fit(ctx, m, d.Train, d.Val, cfg)
}
