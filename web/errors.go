package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/fanzha/fanzha/auth"
	"github.com/fanzha/fanzha/indicator"
	"github.com/fanzha/fanzha/registry"
	"github.com/fanzha/fanzha/store"
	"github.com/fanzha/fanzha/worker"
)

// Error codes of the one JSON error shape
// {"error":{"code":"invalid","message":"...","field":"..."}}; each maps to
// one HTTP status.
const (
	CodeInvalid      = "invalid"
	CodeUnauthorized = "unauthorized"
	CodeForbidden    = "forbidden"
	CodeNotFound     = "not_found"
	CodeConflict     = "conflict"
	CodeTooLarge     = "too_large"
	CodeRateLimited  = "rate_limited"
	CodeUnavailable  = "unavailable"
	CodeInternal     = "internal"
)

var codeStatus = map[string]int{
	CodeInvalid:      http.StatusBadRequest,
	CodeUnauthorized: http.StatusUnauthorized,
	CodeForbidden:    http.StatusForbidden,
	CodeNotFound:     http.StatusNotFound,
	CodeConflict:     http.StatusConflict,
	CodeTooLarge:     http.StatusRequestEntityTooLarge,
	CodeRateLimited:  http.StatusTooManyRequests,
	CodeUnavailable:  http.StatusServiceUnavailable,
	CodeInternal:     http.StatusInternalServerError,
}

// Error is an error a handler returns to its caller as it is.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func errorf(code, field, msg string) *Error { return &Error{Code: code, Message: msg, Field: field} }

// classify maps any error to the one shape: known domain errors become
// their codes; anything else is internal, logged, and never shown.
func classify(err error) *Error {
	var (
		we  *Error
		ie  *indicator.Error
		fe  *registry.FieldError
		de  *auth.Denied
		mbe *http.MaxBytesError
		in  *worker.InputError
	)
	switch {
	case errors.As(err, &we):
		return we
	case errors.As(err, &ie):
		return errorf(CodeInvalid, "", ie.Error())
	case errors.As(err, &fe):
		return errorf(CodeInvalid, fe.Field, fe.Reason)
	case errors.As(err, &de):
		return errorf(CodeForbidden, "", de.Error())
	case errors.As(err, &in):
		if e := classify(in.Err); e != nil {
			return e
		}
		return errorf(CodeInvalid, "", in.Error())
	case errors.As(err, &mbe):
		return errorf(CodeTooLarge, "", "request body larger than "+strconv.FormatInt(mbe.Limit, 10)+" bytes")
	case errors.Is(err, store.ErrNotFound):
		return errorf(CodeNotFound, "", "not found")
	case errors.Is(err, store.ErrConflict):
		return errorf(CodeConflict, "", err.Error())
	}
	return nil
}

// writeError answers with the JSON error shape.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := classify(err)
	if e == nil {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		e = errorf(CodeUnavailable, "", "the service could not complete this request; try again shortly")
	}
	switch e.Code {
	case CodeRateLimited:
		w.Header().Set("Retry-After", "10")
	case CodeUnavailable:
		w.Header().Set("Retry-After", "2")
	}
	writeJSON(w, codeStatus[e.Code], map[string]*Error{"error": e})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		slog.Debug("write response", "err", err)
	}
}
