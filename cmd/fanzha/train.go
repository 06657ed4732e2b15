package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/fanzha/fanzha/content"
)

// runTrain trains the content classifier on ../shared/data and writes the
// model that ships inside the binary, with its data card:
// fanzha train [--data ../shared/data] [--out content/model/model.bin] [--no-research].
func runTrain(_ context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	data := fs.String("data", "../shared/data", "folder of the datasets (uci_sms_spam, telecom_fraud_texts_5_zh, zh_chat_fraud_small)")
	outPath := fs.String("out", "content/model/model.bin", "where to write the model")
	card := fs.String("card", "", "where to write the data card (default: DATACARD.md beside --out)")
	noResearch := fs.Bool("no-research", false, "train only on permissively licensed data (leaves out the research-only Chinese set; for commercial use)")
	approach := fs.String("approach", "auto", "auto (choose on the validation split), "+strings.Join(content.Approaches, " or "))
	bits := fs.Int("bits", 0, "hash table width in bits (default 18)")
	pos, err := parseFlags(fs, args, out)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("train takes only flags (got %q)", pos[0])
	}
	if *approach != "auto" && !slices.Contains(content.Approaches, *approach) {
		return usagef("--approach %q: want auto, %s", *approach, strings.Join(content.Approaches, " or "))
	}
	if *card == "" {
		*card = filepath.Join(filepath.Dir(*outPath), "DATACARD.md")
	}
	opts := content.TrainOptions{HashBits: *bits}

	datasets, err := content.LoadDatasets(*data)
	if err != nil {
		return fmt.Errorf("train: %w (is --data right?)", err)
	}
	if *noResearch {
		// Not even scored: a model for commercial use is made without
		// touching research-only data (`fanzha eval --no-research` measures
		// it on that data, for research).
		datasets = slices.DeleteFunc(datasets, func(d *content.Dataset) bool { return d.Research })
	}
	corpus := content.NewCorpus(datasets, *noResearch)
	var sel *content.Selection
	chosen := *approach
	if chosen == "auto" {
		if sel, err = corpus.Select(opts); err != nil {
			return err
		}
		chosen = sel.Chosen
		for _, a := range content.Approaches {
			fmt.Fprintf(out, "validation merit %-12s %.2f%%\n", a, 100*sel.Merit[a])
		}
		fmt.Fprintf(out, "chosen: %s\n", chosen)
	}
	eval, err := corpus.Evaluate(opts, nil)
	if err != nil {
		return err
	}
	model := eval.Models[chosen]

	var buf bytes.Buffer
	if _, err := model.WriteTo(&buf); err != nil {
		return err
	}
	if _, err := content.Load(bytes.NewReader(buf.Bytes())); err != nil {
		return fmt.Errorf("train: the model just written does not load back: %w", err)
	}
	if err := writeFileAtomic(*outPath, buf.Bytes()); err != nil {
		return err
	}
	command := "fanzha train"
	if *noResearch {
		command += " --no-research"
	}
	var cardBuf bytes.Buffer
	if err := eval.WriteDataCard(&cardBuf, content.CardInfo{ModelPath: *outPath, ModelBytes: int64(buf.Len()), Selection: sel, Shipped: model, Command: command}); err != nil {
		return err
	}
	if err := writeFileAtomic(*card, cardBuf.Bytes()); err != nil {
		return err
	}
	if err := eval.WriteReport(out); err != nil {
		return err
	}
	fmt.Fprintf(out, "\nwrote %s (%d bytes, %s) and %s\n", *outPath, buf.Len(), model.Note(), *card)
	return nil
}

// writeFileAtomic writes data to path through a temporary file in the same
// folder, so a failed run never leaves half a model behind.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
