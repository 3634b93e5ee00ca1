"""Real-looking dependency trees and packages for the dependency tests (test_deps.py).

Every ecosystem lambdrift reads is laid out the way its tools install it, in a directory
tree (for a function's source at a tag) or straight into zip bytes (for a layer or a
deployed package):

- Node: node_modules/<name>/package.json, a scoped package (@aws-sdk/...), a nested copy
  (node_modules/mkdirp/node_modules/minimist), a package.json deeper in a package that is
  not a package root, and a package-lock.json (lockfileVersion 3) with a dev dependency
  that is never deployed; a layer under nodejs/node_modules/.
- Python: a layer's python/ tree with *.dist-info/METADATA (wheels) and an
  *.egg-info/PKG-INFO (an sdist install), and the requirements.txt that pins them.
- Java: a fat jar (the deployed package itself) with its own META-INF/maven pom.properties
  and library jars one level deep; a layer jar under java/lib/.
- .NET: <App>.deps.json whose "libraries" hold packages and the project itself.

Versions are chosen against the advisories in fixtures/osv/github-advisory-database (see
VULNERABLE): some are affected, some sit exactly on a fixed version (near misses). The
expected inventory of each package is built from the same tables, so a test compares with
what was written, not with a second copy of it. Standard library only.
"""
import io
import json
import zipfile
from pathlib import Path

ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# ---- Node -------------------------------------------------------------------------------

# (install path, name, version): what the tag's package-lock.json pins and the tag's
# vendored node_modules holds. The deployed "node-drift" package carries lodash 4.17.15.
NODE_PACKAGES = [
    ("node_modules/@aws-sdk/client-s3", "@aws-sdk/client-s3", "3.637.0"),
    ("node_modules/@aws-sdk/types", "@aws-sdk/types", "3.609.0"),
    ("node_modules/lodash", "lodash", "4.17.21"),
    ("node_modules/minimist", "minimist", "1.2.8"),
    ("node_modules/mkdirp", "mkdirp", "0.5.1"),
    ("node_modules/mkdirp/node_modules/minimist", "minimist", "0.0.8"),
    ("node_modules/semver", "semver", "7.6.3"),
]
# In the lockfile only, "dev": true: never deployed, never reported missing.
NODE_DEV_PACKAGES = [("node_modules/jest", "jest", "29.7.0")]
LODASH_TAG = "4.17.21"
LODASH_DEPLOYED = "4.17.15"

# The "nodeshared" layer (nodejs/node_modules/...): axios 1.6.0 is past the fix of
# GHSA-wf5p-g6vw-rhxx (axios, fixed 1.6.0) but inside GHSA-8hc4-vh64-cxmj, which spells
# the package "Axios" (1.3.2 <= v < 1.7.4).
NODE_LAYER_PACKAGES = [
    ("nodejs/node_modules/axios", "axios", "1.6.0"),
    ("nodejs/node_modules/follow-redirects", "follow-redirects", "1.15.6"),
]


def node_packages(lodash=LODASH_TAG):
    return [(p, n, lodash if n == "lodash" else v) for p, n, v in NODE_PACKAGES]


def package_json(name, version, **extra):
    doc = {"name": name, "version": version, "description": f"{name} (lambdrift fixture)",
           "main": "index.js", "license": "MIT"}
    doc.update(extra)
    return json.dumps(doc, indent=2) + "\n"


def node_module_files(packages):
    """{relative path: text} of an installed node_modules tree."""
    files = {}
    for path, name, version in packages:
        files[f"{path}/package.json"] = package_json(name, version)
        files[f"{path}/index.js"] = f"module.exports = {{ name: {name!r} }};\n"
        if name == "@aws-sdk/client-s3":
            # Below a package root: describes a build flavour, names no package.
            files[f"{path}/dist-cjs/package.json"] = '{ "type": "commonjs" }\n'
            files[f"{path}/dist-cjs/index.js"] = "module.exports = {};\n"
    return files


def package_lock(project, packages, dev_packages=()):
    """A package-lock.json, lockfileVersion 3 (npm 9+), for `packages`."""
    top = sorted({n for p, n, _ in packages if p.count("node_modules/") == 1})
    pkgs = {"": {"name": project, "version": "1.0.0", "license": "UNLICENSED",
                 "dependencies": {n: "*" for n in top},
                 "devDependencies": {n: "*" for _, n, _ in dev_packages}}}
    for path, name, version in sorted(packages):
        pkgs[path] = {"version": version,
                      "resolved": f"https://registry.npmjs.org/{name}/-/"
                                  f"{name.split('/')[-1]}-{version}.tgz",
                      "integrity": "sha512-bGFtYmRyaWZ0LWZpeHR1cmU=",
                      "license": "MIT"}
    for path, name, version in dev_packages:
        pkgs[path] = {"version": version, "dev": True, "license": "MIT",
                      "resolved": f"https://registry.npmjs.org/{name}/-/{name}-{version}.tgz"}
    doc = {"name": project, "version": "1.0.0", "lockfileVersion": 3, "requires": True,
           "packages": pkgs}
    return json.dumps(doc, indent=2) + "\n"


def node_source_files(project, lodash=LODASH_TAG):
    """A Node function's source directory: handler, package.json, the lockfile (always
    pinning LODASH_TAG) and the vendored node_modules holding `lodash`."""
    files = {
        "index.js": "const _ = require('lodash');\n"
                    "exports.handler = async (event) => _.pick(event, ['id']);\n",
        "package.json": json.dumps({"name": project, "version": "1.0.0", "private": True,
                                    "dependencies": {n: v for p, n, v in NODE_PACKAGES
                                                     if p.count("node_modules/") == 1},
                                    "devDependencies": {"jest": "29.7.0"}}, indent=2) + "\n",
        "package-lock.json": package_lock(project, NODE_PACKAGES, NODE_DEV_PACKAGES),
    }
    files.update(node_module_files(node_packages(lodash)))
    return files


def node_layer_files():
    return node_module_files(NODE_LAYER_PACKAGES)


def node_inventory(lodash):
    """(ecosystem, name, version, path) a package of node_source_files(lodash=...) holds:
    each package root and every non-dev entry of the deployed package-lock.json."""
    rows = {("npm", n, v, f"{p}/package.json") for p, n, v in node_packages(lodash)}
    rows |= {("npm", n, v, "package-lock.json") for p, n, v in NODE_PACKAGES}
    return rows


def node_layer_inventory():
    return {("npm", n, v, f"{p}/package.json") for p, n, v in NODE_LAYER_PACKAGES}


# ---- Python -----------------------------------------------------------------------------

# The "pydeps" layer, version 1 (attached) and version 2 (newer). dist: "wheel" installs a
# *.dist-info/METADATA, "egg" an *.egg-info/PKG-INFO (as `setup.py install` did).
PY_LAYER_V1 = [("requests", "2.19.0", "wheel"), ("urllib3", "1.24.1", "egg"),
               ("Jinja2", "3.1.4", "wheel")]
PY_LAYER_V2 = [("requests", "2.32.3", "wheel"), ("urllib3", "2.2.2", "wheel"),
               ("Jinja2", "3.1.4", "wheel")]
# The "brokenlayer" layer, whose served bytes the corruption test damages.
PY_BROKEN_LAYER = [("six", "1.16.0", "wheel")]


def _py_dist_path(name, version, dist):
    if dist == "wheel":
        return f"python/{name}-{version}.dist-info/METADATA"
    return f"python/{name}-{version}-py3.12.egg-info/PKG-INFO"


def python_layer_files(dists):
    """{path: text} of a layer's python/ directory (what `pip install -t python` makes)."""
    files = {}
    for name, version, dist in dists:
        meta = (f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
                f"Summary: {name} (lambdrift fixture)\nLicense: Apache-2.0\n"
                f"Requires-Python: >=3.8\n\n{name} long description.\n")
        path = _py_dist_path(name, version, dist)
        files[path] = meta
        folder = path.rsplit("/", 1)[0]
        if dist == "wheel":
            files[f"{folder}/WHEEL"] = "Wheel-Version: 1.0\nRoot-Is-Purelib: true\n"
            files[f"{folder}/RECORD"] = f"{name.lower()}/__init__.py,,\n"
        else:
            files[f"{folder}/top_level.txt"] = f"{name.lower()}\n"
        files[f"python/{name.lower()}/__init__.py"] = f"__version__ = {version!r}\n"
    return files


def python_inventory(dists):
    """(ecosystem, name, version, path), the name normalised per PEP 503."""
    return {("PyPI", name.lower(), version, _py_dist_path(name, version, dist))
            for name, version, dist in dists}


def requirements_txt(dists):
    lines = ["# pinned by pip-compile; served from the pydeps layer"]
    lines += [f"{name}=={version}" for name, version, _ in dists if name != "Jinja2"]
    return "\n".join(lines) + "\n"


def python_source_files(dists):
    return {"app.py": "import requests\n\ndef handler(event, context):\n"
                      "    return {'requests': requests.__version__}\n",
            "requirements.txt": requirements_txt(dists)}


# ---- Java -------------------------------------------------------------------------------

# The deployed fat jar of "java-fn": its own coordinates and the library jars inside it.
JAVA_APP = ("com.example", "orders", "1.0.0")
JAVA_LIBS = [("com.fasterxml.jackson.core", "jackson-databind", "2.9.8"),
             ("org.apache.commons", "commons-lang3", "3.12.0")]
# The "javalibs" layer: java/lib/<artifact>-<version>.jar.
JAVA_LAYER_LIBS = [("org.apache.commons", "commons-text", "1.9")]


def _pom_path(group, artifact):
    return f"META-INF/maven/{group}/{artifact}/pom.properties"


def _jar_name(artifact, version):
    return f"{artifact}-{version}.jar"


def pom_properties(group, artifact, version):
    return (f"#Created by Apache Maven 3.9.6\n#Mon Jan 01 00:00:00 UTC 2024\n"
            f"groupId={group}\nartifactId={artifact}\nversion={version}\n")


def jar_bytes(group, artifact, version, extra=None):
    """A library jar: manifest, one class, its Maven metadata (and `extra` entries)."""
    entries = {"META-INF/MANIFEST.MF": "Manifest-Version: 1.0\nCreated-By: Maven\n",
               f"{group.replace('.', '/')}/{artifact.replace('-', '')}/Main.class":
                   b"\xca\xfe\xba\xbe\x00\x00\x00\x41",
               _pom_path(group, artifact): pom_properties(group, artifact, version),
               f"META-INF/maven/{group}/{artifact}/pom.xml":
                   f"<project><groupId>{group}</groupId><artifactId>{artifact}</artifactId>"
                   f"<version>{version}</version></project>\n"}
    entries.update(extra or {})
    return zip_bytes(entries)


def java_fat_jar():
    """The deployed package of java-fn: a jar with library jars one level deep (lib/)."""
    group, artifact, version = JAVA_APP
    libs = {f"lib/{_jar_name(a, v)}": jar_bytes(g, a, v) for g, a, v in JAVA_LIBS}
    return jar_bytes(group, artifact, version, extra=libs)


def java_layer_bytes():
    return zip_bytes({f"java/lib/{_jar_name(a, v)}": jar_bytes(g, a, v)
                      for g, a, v in JAVA_LAYER_LIBS})


def java_inventory():
    rows = {("Maven", f"{JAVA_APP[0]}:{JAVA_APP[1]}", JAVA_APP[2],
             _pom_path(JAVA_APP[0], JAVA_APP[1]))}
    rows |= {("Maven", f"{g}:{a}", v, f"lib/{_jar_name(a, v)}!/{_pom_path(g, a)}")
             for g, a, v in JAVA_LIBS}
    return rows


def java_layer_inventory():
    return {("Maven", f"{g}:{a}", v, f"java/lib/{_jar_name(a, v)}!/{_pom_path(g, a)}")
            for g, a, v in JAVA_LAYER_LIBS}


# ---- .NET -------------------------------------------------------------------------------

DOTNET_APP = ("Orders", "1.0.0")
DOTNET_PACKAGES = [("Amazon.Lambda.Core", "2.2.0"), ("Newtonsoft.Json", "13.0.1"),
                   ("System.Text.Json", "8.0.4")]


def dotnet_deps_json():
    app, version = DOTNET_APP
    target = ".NETCoreApp,Version=v8.0"
    libs = {f"{app}/{version}": {"type": "project", "serviceable": False, "sha512": ""}}
    deps = {f"{app}/{version}": {"dependencies": {n: v for n, v in DOTNET_PACKAGES},
                                 "runtime": {f"{app}.dll": {}}}}
    for name, v in DOTNET_PACKAGES:
        libs[f"{name}/{v}"] = {"type": "package", "serviceable": True,
                               "sha512": "sha512-bGFtYmRyaWZ0",
                               "path": f"{name.lower()}/{v}",
                               "hashPath": f"{name.lower()}.{v}.nupkg.sha512"}
        deps[f"{name}/{v}"] = {"runtime": {f"lib/net8.0/{name}.dll": {}}}
    doc = {"runtimeTarget": {"name": target, "signature": ""},
           "compilationOptions": {}, "targets": {target: deps}, "libraries": libs}
    # dotnet publish writes a byte-order mark
    return "\ufeff" + json.dumps(doc, indent=2) + "\n"


def dotnet_package_bytes():
    app = DOTNET_APP[0]
    entries = {f"{app}.deps.json": dotnet_deps_json(),
               f"{app}.runtimeconfig.json": '{ "runtimeOptions": { "tfm": "net8.0" } }\n',
               f"{app}.dll": b"MZ\x90\x00lambdrift fixture"}
    entries.update({f"{name}.dll": b"MZ\x90\x00" + name.encode() for name, _ in DOTNET_PACKAGES})
    return zip_bytes(entries)


def dotnet_inventory():
    return {("NuGet", name.lower(), v, f"{DOTNET_APP[0]}.deps.json")
            for name, v in DOTNET_PACKAGES}


# ---- advisories -------------------------------------------------------------------------

# (ecosystem, normalised name, deployed version) -> {advisory id: (CVE, first fixed version,
# finding severity)} for the deployed versions above that fixtures/osv's real advisories
# affect. Severities: CVSS v3 base score where the advisory has one (computed per FIRST),
# else GitHub's database_specific.severity.
VULNERABLE = {
    ("npm", "lodash", "4.17.15"): {
        "GHSA-p6mc-m468-83gw": ("CVE-2020-8203", "4.17.20", "error"),    # CVSS 7.4
        "GHSA-35jh-r3h4-6jhm": ("CVE-2021-23337", "4.17.21", "error"),   # CVSS 7.2
    },
    ("npm", "minimist", "0.0.8"): {
        "GHSA-xvch-5gv4-984h": ("CVE-2021-44906", "0.2.4", "error"),     # CVSS 9.8
    },
    ("npm", "axios", "1.6.0"): {
        "GHSA-8hc4-vh64-cxmj": ("CVE-2024-39338", "1.7.4", "error"),     # HIGH, no CVSS
    },
    ("PyPI", "requests", "2.19.0"): {
        "GHSA-j8r2-6x86-q33q": ("CVE-2023-32681", "2.31.0", "warning"),  # CVSS 6.1
        "GHSA-9wx4-h78v-vm56": ("CVE-2024-35195", "2.32.2", "warning"),  # CVSS 5.6
    },
    ("PyPI", "urllib3", "1.24.1"): {
        "GHSA-34jh-p97f-mpxf": ("CVE-2024-37891", "1.26.19", "warning"),  # CVSS 4.4
        "GHSA-v845-jxx5-vc9f": ("CVE-2023-43804", "1.26.17", "warning"),  # CVSS 5.9
    },
}


def advisories_for(ecosystem, name, version):
    return VULNERABLE.get((ecosystem, name, version), {})


# ---- writing ----------------------------------------------------------------------------

def write_tree(root, files):
    """Write {relative path: str|bytes} under root."""
    root = Path(root)
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            p.write_text(data)
        else:
            p.write_bytes(data)
        p.chmod(0o644)
    return root


def zip_bytes(files):
    """A deterministic, deflated zip of {path: str|bytes}, in path order."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for rel in sorted(files):
            data = files[rel]
            info = zipfile.ZipInfo(rel, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data.encode() if isinstance(data, str) else data)
    return buf.getvalue()


def zip_tree(root):
    """zip_bytes of every file below root."""
    root = Path(root)
    return zip_bytes({p.relative_to(root).as_posix(): p.read_bytes()
                      for p in root.rglob("*") if p.is_file()})


def osv_all_zip(directory):
    """An OSV all.zip export of the *.json files in directory (as osv.dev publishes it)."""
    return zip_bytes({p.name: p.read_bytes() for p in sorted(Path(directory).glob("*.json"))})
