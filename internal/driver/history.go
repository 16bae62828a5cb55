package driver

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"slices"

	"github.com/nngen/nngen/internal/atomicfile"
	"github.com/nngen/nngen/runtime/model"
	"github.com/nngen/nngen/runtime/train"
)

// historyLine is the line of the history file for epoch e of a model
// with the head, whose validation computed the ranking scores if ranking
// is set: a JSON object of the epoch's number, its mean training loss,
// its learning rate ("lr", of its last update), the seconds it took and,
// with validation data, the validation's loss and scores ("val_loss",
// "val_accuracy" or "val_mse" and "val_mae", then "val_" and each of
// HeadMetrics that is defined). Its keys are sorted.
func historyLine(e train.EpochStats, head string, ranking bool) []byte {
	v := map[string]float64{
		"epoch":      float64(e.Epoch),
		"train_loss": e.TrainLoss,
		"lr":         e.LR,
		"seconds":    e.Elapsed.Seconds(),
	}
	if e.Val.N > 0 {
		addScores(v, "val_", e.Val, head, ranking)
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // addScores leaves out the numbers JSON has no form for
	}
	return append(b, '\n')
}

// addScores adds to v the loss and scores of m, for a model with the
// head, each named with prefix: the loss, the accuracy or the MSE and
// MAE, and each of HeadMetrics that is defined, the ranking scores only
// if ranking is set (they are not computed otherwise). A number that is
// not finite is left out.
func addScores(v map[string]float64, prefix string, m train.Metrics, head string, ranking bool) {
	put := func(name string, x float64) {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			v[prefix+name] = x
		}
	}
	put("loss", m.Loss)
	if head == model.Identity {
		put("mse", m.MSE)
		put("mae", m.MAE)
	} else {
		put("accuracy", m.Accuracy)
	}
	for _, name := range HeadMetrics[head] {
		if !ranking && (name == "roc_auc" || name == "average_precision") {
			continue
		}
		if x, ok := headline(m, head, name); ok {
			put(name, x)
		}
	}
}

// openHistory opens the history file at path to write the epochs of a
// run to: a new, empty file, or for a run resumed after epoch after, the
// file of the run so far, which keeps its lines of epochs up to after
// and drops those of later ones (which the checkpoint does not hold), so
// that it has one line per epoch of the whole run. A missing file is
// created.
func openHistory(path string, resumed bool, after int) (*os.File, error) {
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if resumed {
		if err := keepEpochs(path, after); err != nil {
			return nil, err
		}
		flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	return os.OpenFile(path, flag, 0o644)
}

// keepEpochs rewrites the history file at path, if there is one, with
// its lines of epochs up to after alone, atomically.
func keepEpochs(path string, after int) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var kept []byte
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, len(b)+1)
	for n := 1; sc.Scan(); n++ {
		var e Epoch
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.Epoch < 1 {
			return fmt.Errorf("%s:%d: not a line of a history file (one JSON object per epoch); remove the file or name another with -history", path, n)
		}
		if e.Epoch <= after {
			kept = append(append(kept, sc.Bytes()...), '\n')
		}
	}
	if slices.Equal(kept, b) {
		return nil
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(kept)
		return err
	})
}
