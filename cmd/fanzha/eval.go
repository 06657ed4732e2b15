package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/fanzha/fanzha/content"
)

// runEval trains every content-classifier approach on the fixed training
// splits and prints their held-out figures, the shipped model's, and the
// published results beside them:
// fanzha eval [--data ../shared/data] [--no-research].
func runEval(_ context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	data := fs.String("data", "../shared/data", "folder of the datasets (uci_sms_spam, telecom_fraud_texts_5_zh, zh_chat_fraud_small)")
	noResearch := fs.Bool("no-research", false, "train only on permissively licensed data, as `fanzha train --no-research` does")
	bits := fs.Int("bits", 0, "hash table width in bits (default 18)")
	pos, err := parseFlags(fs, args, out)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("eval takes only flags (got %q)", pos[0])
	}
	datasets, err := content.LoadDatasets(*data)
	if err != nil {
		return fmt.Errorf("eval: %w (is --data right?)", err)
	}
	// The shipped model is scored beside the approaches it was chosen from;
	// it was trained with the research-only set, so not beside --no-research.
	var shipped *content.Model
	if !*noResearch {
		if shipped, err = content.Embedded(); err != nil {
			fmt.Fprintf(out, "(the shipped model is not scored: %v)\n", err)
			shipped = nil
		}
	}
	corpus := content.NewCorpus(datasets, *noResearch)
	e, err := corpus.Evaluate(content.TrainOptions{HashBits: *bits}, shipped)
	if err != nil {
		return err
	}
	if shipped != nil {
		fmt.Fprintf(out, "shipped model: %s\n", shipped.Note())
	}
	return e.WriteReport(out)
}
