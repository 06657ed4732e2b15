package web

import (
	_ "embed"
	"net/http"

	"github.com/fanzha/fanzha/auth"
)

// openapiDoc is the OpenAPI 3 description of every route; a test checks
// that it and the route table agree.
//
//go:embed openapi.json
var openapiDoc []byte

func (s *Server) openAPI(w http.ResponseWriter, _ *http.Request, _ auth.Principal) error {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openapiDoc)
	return nil
}
