"""Generates sim2real_client/_proto from the repository's proto/ with grpcio-tools.

    python3 scripts/generate_stubs.py [OUT_DIR]

OUT_DIR defaults to sim2real_client/_proto; the test command regenerates into a temporary folder and compares
(drift check). Imports between generated modules are rewritten to live under sim2real_client._proto, so the
package does not claim the top-level names `sim2real` or `google.rpc`.
"""
import pathlib
import re
import shutil
import sys

from grpc_tools import protoc
import grpc_tools

HERE = pathlib.Path(__file__).resolve().parent.parent
PROTO_ROOT = HERE.parent.parent / "proto"
PACKAGE = "sim2real_client._proto"
MESSAGES = [
    "sim2real/v1/image.proto",
    "sim2real/v1/batch.proto",
    "sim2real/v1/translator.proto",
    "google/rpc/status.proto",
    "google/rpc/error_details.proto",
]
SERVICES = ["sim2real/v1/translator.proto"]


def run(args):
    well_known = pathlib.Path(grpc_tools.__file__).parent / "_proto"
    code = protoc.main(["grpc_tools.protoc", f"-I{PROTO_ROOT}", f"-I{well_known}", *args])
    if code != 0:
        raise SystemExit(f"protoc failed with exit code {code}")


def main():
    out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "sim2real_client" / "_proto"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    run([f"--python_out={out}", *MESSAGES])
    run([f"--grpc_python_out={out}", *SERVICES])
    for path in sorted(out.rglob("*.py")):
        text = path.read_text()
        text = re.sub(r"^from (sim2real\.v1|google\.rpc) import", rf"from {PACKAGE}.\1 import", text, flags=re.M)
        path.write_text(text)
    for folder in [out, *sorted(p for p in out.rglob("*") if p.is_dir())]:
        (folder / "__init__.py").write_text("")


if __name__ == "__main__":
    main()
