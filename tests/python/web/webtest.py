"""Helpers of the web application's end-to-end tests: rosters made by tools/make-roster, the
application started as a deployment starts it (``python3 -m inscrire_web`` in a subprocess, on a
free port, with a secret file), nginx from Debian in front of several of them, schools and staff
invitations made by the operator through the library (what `inscrire staff invite` does), a TOTP
authenticator, and Debian's Chromium driven headless by selenium.
"""

import http.cookiejar
import json
from html import unescape
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service as ChromeService
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

import inscrire

ROOT = pathlib.Path(__file__).resolve().parents[3]
UAI = "0751234A"
SCHOOL = "Collège Victor Hugo"
UAI_B = "0750002B"
SCHOOL_B = "Collège George Sand"
STAFF_PASSWORD = "Chardon-bleu-2024"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]
FORM_EXPIRED_PUPIL = "Cette page était ouverte depuis trop longtemps"
FORM_EXPIRED_STAFF = "Ce formulaire a expiré ou ne vient pas de ce site"


#: Every secret the suite used: passwords typed, temporary passwords shown, invitation codes,
#: second-factor secrets, and the INEs and birth dates of its rosters. Server.stop() checks
#: that none is in the server's log, and that every line of the log is JSON (docs/web.md,
#: "Logs"). Short all-digit values (a second-factor code) are left out: they could be part of
#: any number.
SECRETS: set = set()


def secret(value: str) -> str:
    """Remembers a secret of the suite (SECRETS); returns it."""
    if value and not (value.isdigit() and len(value) <= 8):
        SECRETS.add(value)
    return value


def make_roster(path: pathlib.Path, pupils: int = 80, seed: int = 3, uai: str = UAI,
                edge_cases: bool = True) -> pathlib.Path:
    command = [sys.executable, str(ROOT / "tools" / "make-roster"), "--pupils", str(pupils),
               "--seed", str(seed), "--uai", uai, "--out", str(path)]
    if edge_cases:
        command.append("--edge-cases")
    subprocess.run(command, check=True)
    text = path.read_text(encoding="iso-8859-15", errors="replace")
    for ine in re.findall(r"<ID_NATIONAL>([^<]+)</ID_NATIONAL>", text):
        secret(ine)
    for day, month, year in re.findall(r"<DATE_NAISS>(\d\d)/(\d\d)/(\d{4})</DATE_NAISS>", text):
        secret(f"{day}/{month}/{year}")
        secret(f"{year}-{month}-{day}")
    return path


def check_log(log: str) -> None:
    """Every line of a server's log is one JSON object, and none holds a secret of the
    suite."""
    for line in log.splitlines():
        try:
            assert isinstance(json.loads(line), dict), line
        except json.JSONDecodeError as error:
            raise AssertionError(f"a log line that is not JSON: {line!r}") from error
    leaked = sorted(value for value in SECRETS if value in log)
    assert not leaked, f"secrets in the server's log: {leaked}"


def make_secret(directory: pathlib.Path) -> pathlib.Path:
    """The deployment's secret file: 32 random bytes, mode 600, shared by its servers."""
    path = directory / "web-secret"
    if not path.exists():
        path.write_bytes(os.urandom(32))
        path.chmod(0o600)
    return path


def operator():
    return inscrire.Actor.operator("tests")


def prepare_school(location, roster=None, division: str = "5A", uai: str = UAI,
                   name: str = SCHOOL):
    """A school (and its roster and a class campaign when a roster is given) made by the
    operator through the library, as `inscrire org add` and `inscrire import` do; returns the
    campaign's code (None without a roster)."""
    with inscrire.open(location) as db:
        db.create_organization(uai, name, actor=operator())
        if roster is None:
            return None
        db.import_roster(uai, roster, actor=operator())
        return db.create_campaign(uai, f"Pix {division}", division=division,
                                  actor=operator()).code


def invite(location, uai: str = UAI, role: str = "ADMIN") -> str:
    """An invitation code made by the operator (what `inscrire staff invite UAI --role admin`
    prints)."""
    with inscrire.open(location) as db:
        return secret(db.invite_staff(uai, role, actor=operator()).code)


def totp(secret: str, step: int) -> str:
    """The code of a base32 secret at time step ``step`` (30 seconds each), as an authenticator
    app computes it: oathtool (RFC 6238, SHA-1, 6 digits), an implementation independent of the
    library's, given the secret on its standard input (never in argv)."""
    result = subprocess.run(["oathtool", "--totp", "--base32", "--digits=6",
                             f"--now=@{step * 30}", "-"],
                            input=secret.replace(" ", ""), capture_output=True, text=True,
                            check=True, timeout=30)
    return result.stdout.strip()


class Authenticator:
    """A staff member's authenticator app: the code of the current step, or of the next one
    when the current one was used already (the library refuses a step used before)."""

    def __init__(self, base32: str) -> None:
        self.secret = secret(base32.replace(" ", ""))
        self.last_step = -1

    def code(self) -> str:
        now = int(time.time()) // 30
        step = max(now, self.last_step + 1)
        while step > now + 1:  # t+1 is the furthest the library accepts
            time.sleep(1)
            now = int(time.time()) // 30
        self.last_step = step
        return totp(self.secret, step)


# --- servers ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """``python3 -m inscrire_web`` on a free port (or ``port``); its output is kept to check the
    logs. ``location`` is a SQLite file or a PostgreSQL URL."""

    def __init__(self, directory: pathlib.Path, location=None, port: int = 0,
                 extra=(), secret: pathlib.Path = None) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.location = location if location is not None else directory / "school.db"
        self.db_path = self.location
        self.secret = secret or make_secret(directory)
        self.extra = list(extra)
        self.log_path = directory / f"server-{id(self)}.log"
        self._log = open(self.log_path, "a+b")
        self.process = None
        self.start(port)

    def start(self, port: int = 0) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "inscrire_web", "--db", str(self.location), "--port",
             str(port), "--secret-file", str(self.secret), "--management", "127.0.0.1:0",
             *self.extra],
            stdout=subprocess.PIPE, stderr=self._log, env=dict(os.environ))
        first_line = self.process.stdout.readline().decode("utf-8")
        found = re.search(r"(http://[^ ]+/)", first_line)
        if not found:
            self.stop()
            raise RuntimeError(f"the server did not print its URL: {first_line!r} "
                               f"{self.log_path.read_text(errors='replace')}")
        self.url = found.group(1).rstrip("/")
        self.port = int(self.url.rsplit(":", 1)[1])
        managed = re.search(r"\(management (http://[^ ]+/)\)", first_line)
        self.management_url = managed.group(1).rstrip("/") if managed else None

    def kill(self) -> None:
        """As a crash would: SIGKILL, nothing flushed."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.process.stdout.close()

    def restart(self) -> None:
        self.start(self.port)

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        """Stops the server, then checks its log (check_log)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if not self.process.stdout.closed:
            self.process.stdout.close()
        if not self._log.closed:
            log = self.output()
            self._log.close()
            check_log(log)


NGINX_CONFIG = """\
{user}worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    log_format upstreams '$request_method $uri $status $upstream_addr';
    access_log {dir}/access.log upstreams;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    # docs/web.md's recipe: plain round robin, no stickiness.
    upstream inscrire {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 64k;
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_set_header X-Forwarded-Proto $scheme;
        location / {{ proxy_pass http://inscrire; }}
        location ~ ^/admin/e/[^/]+/import$ {{
            client_max_body_size 50m;
            proxy_pass http://inscrire;
        }}
    }}
}}
"""


class Nginx:
    """Debian's nginx on a free loopback port with a configuration of its own, in front of
    ``upstreams`` (host:port) in plain round robin."""

    def __init__(self, directory: pathlib.Path, upstreams) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.port = free_port()
        servers = "\n".join(f"        server {u} max_fails=1 fail_timeout=2s;" for u in upstreams)
        user = "user root;\n" if os.geteuid() == 0 else ""
        self.config = directory / "nginx.conf"
        self.config.write_text(NGINX_CONFIG.format(user=user, dir=directory, servers=servers,
                                                   port=self.port), encoding="utf-8")
        self.process = subprocess.Popen(
            ["/usr/sbin/nginx", "-c", str(self.config), "-p", str(directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("nginx did not start: "
                                       + self.process.stderr.read().decode(errors="replace")
                                       + (directory / "error.log").read_text(errors="replace"))
                time.sleep(0.1)
        self.url = f"http://127.0.0.1:{self.port}"

    def access_log(self):
        """(method, path, status, upstream) of every request so far."""
        lines = (self.directory / "access.log").read_text(encoding="utf-8").splitlines()
        return [tuple(line.split(" ", 3)) for line in lines]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stderr.close()


class PostgresServer:
    """The test command's PostgreSQL server (INSCRIRE_TEST_POSTGRES_URL), or a throwaway one
    of scripts/postgres-server (always with ``own``); ``schema(name)`` is the URL of a schema
    of its own."""

    def __init__(self, own: bool = False) -> None:
        self.directory = None
        self.url = "" if own else os.environ.get("INSCRIRE_TEST_POSTGRES_URL", "")
        if not self.url:
            # Under /tmp itself: the server runs as `postgres` when the tests run as root, and
            # pytest's temporary directories are private to their owner.
            self.directory = pathlib.Path(tempfile.mkdtemp(prefix="inscrire-web-postgres-"))
            self.url = subprocess.run([str(ROOT / "scripts" / "postgres-server"), "start",
                                       str(self.directory), "--fast"], check=True,
                                      capture_output=True, text=True).stdout.strip()
        self.schemas = []

    def schema(self, name: str) -> str:
        schema = f"{name}_{os.getpid()}"
        self.schemas.append(schema)
        return self.url + ("&" if "?" in self.url else "?") + "schema=" + schema

    def stop(self) -> None:
        for schema in self.schemas if self.directory is None else ():
            subprocess.run(["psql", "-qX", "-c", f"DROP SCHEMA IF EXISTS {schema} CASCADE",
                            self.url], check=False, capture_output=True)
        self.stop_server()

    def stop_server(self) -> None:
        """Stops a server of our own (a lost database); the test command's is left alone."""
        if self.directory is not None:
            subprocess.run([str(ROOT / "scripts" / "postgres-server"), "stop",
                            str(self.directory)], check=False)
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None


# --- browsers --------------------------------------------------------------------------------

#: The fields whose value is a secret (Browser.fill, HttpClient.request remember it).
SECRET_LABELS = ("mot de passe", "naissance", "invitation", "confirm")
SECRET_FIELDS = ("mot_de_passe", "confirmation", "naissance", "nouveau", "actuel", "code_invitation")


class Browser:
    """A headless Chromium with a fresh profile, and the helpers the journeys use: fields are
    found through their visible <label>, never by id, so a missing label fails the test."""

    def __init__(self, base_url: str, screenshot_dir: pathlib.Path, width=1024, height=900):
        self.base_url = base_url
        self.screenshot_dir = screenshot_dir
        self.profile = tempfile.TemporaryDirectory(prefix="inscrire-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self.profile.name}")
        options.add_argument(f"--window-size={width},{height}")
        self.driver = webdriver.Chrome(service=ChromeService("/usr/bin/chromedriver"),
                                       options=options)
        self.visited = []
        self.pages = []  # the text of every page a click or get led to

    def get(self, path: str) -> None:
        self.driver.get(self.base_url + path)
        self._seen()

    def _seen(self) -> None:
        self.visited.append(self.driver.current_url)
        self.pages.append(self.text())

    def field(self, label: str):
        labels = [l for l in self.driver.find_elements(By.TAG_NAME, "label")
                  if l.text.strip() == label]
        assert len(labels) == 1, f"one label {label!r} expected, page: {self.title()}"
        return self.driver.find_element(By.ID, labels[0].get_attribute("for"))

    def fill(self, label: str, value: str) -> None:
        if any(word in label.lower() for word in SECRET_LABELS):
            secret(value)
        element = self.field(label)
        element.clear()
        element.send_keys(value)

    def click(self, text: str, within: str = "main") -> None:
        """Clicks the button or link of the page's main content (or of ``within``, a CSS
        selector: "header" for the menu) whose visible text is ``text``."""
        area = self.driver.find_element(By.CSS_SELECTOR, within)

        def names(element):  # what is seen, and what a screen reader says (hidden text)
            return {element.text.strip(),
                    " ".join((element.get_attribute("textContent") or "").split())}
        candidates = [e for e in area.find_elements(By.CSS_SELECTOR, "button, a")
                      if text in names(e) and e.is_displayed()]
        assert candidates, f"no button or link {text!r} on {self.title()}"
        self._navigate(candidates[0].click)

    def _navigate(self, action) -> None:
        """Runs ``action`` (a click that loads a page) and waits until the new page replaced
        the old one: reading the page right after a click could otherwise see the old one."""
        # A mark on the old page's window, gone once the new page is loaded. Chromium may
        # answer a query made while the page is torn down with an "inspector error" rather
        # than "stale element", so errors are retried until the new page answers.
        self.driver.execute_script("window.inscrireOldPage = true")
        action()
        WebDriverWait(self.driver, 30, ignored_exceptions=(WebDriverException,)).until(
            lambda d: d.execute_script(
                "return !window.inscrireOldPage && document.readyState === 'complete'"))
        self._seen()

    def press(self, element) -> None:
        """Clicks an element found by the test (a row's button)."""
        self._navigate(element.click)

    def title(self) -> str:
        return self.driver.title

    def heading(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "h1").text

    def text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    def path(self) -> str:
        return urllib.parse.urlsplit(self.driver.current_url).path

    def shot(self, name: str, directory: pathlib.Path = None) -> pathlib.Path:
        """A picture of the whole page in the screenshots' directory (or ``directory``)."""
        target = (directory or self.screenshot_dir) / f"{name}.png"
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        size = self.driver.get_window_size()
        self.driver.set_window_size(size["width"], max(400, min(int(height) + 120, 2400)))
        assert self.driver.save_screenshot(str(target))
        self.driver.set_window_size(size["width"], size["height"])
        assert target.stat().st_size > 1000
        return target

    def forget(self) -> None:
        """Another person on the same computer: no cookie of the previous one."""
        self.driver.delete_all_cookies()

    forget_pupil = forget

    def quit(self) -> None:
        self.driver.quit()
        self.profile.cleanup()


def register(b: Browser, first: str, last: str, birthdate: str) -> None:
    """The « Je m'inscris » form; the password comes on the next page."""
    b.fill("Prénom", first)
    b.fill("Nom", last)
    b.fill("Date de naissance (JJ/MM/AAAA)", birthdate)
    b.click("Je m'inscris")


def choose_password(b: Browser, password: str) -> None:
    b.fill("Mot de passe", password)
    b.fill("Confirme ton mot de passe", password)
    b.click("Créer mon compte et commencer")


def log_in(b: Browser, username: str, password: str) -> None:
    b.fill("Identifiant", username)
    b.fill("Mot de passe", password)
    b.click("Se connecter")


def accept_invitation(b: Browser, code: str, username: str, display_name: str,
                      password: str = STAFF_PASSWORD) -> None:
    """A new staff account from an invitation's link."""
    b.get(f"/admin/invitation/{code}")
    b.fill("Identifiant", username)
    b.fill("Nom affiché", display_name)
    b.fill("Mot de passe", password)
    b.fill("Confirmer le mot de passe", password)
    b.click("Créer mon compte")


def enrol_second_factor(b: Browser, shots: str = "") -> Authenticator:
    """The enrolment page (where an ADMIN lands under the `admins` policy): the secret read from
    the page as a person types it into their app, one code, the recovery codes shown once."""
    assert b.heading() == "Vérification en deux étapes", b.text()
    assert b.driver.find_elements(By.CSS_SELECTOR, ".qr svg")
    app = Authenticator(b.driver.find_element(By.ID, "cle").text)
    if shots:
        b.shot(shots)
    b.fill("Code de vérification", app.code())
    b.click("Activer")
    assert b.heading() == "Codes de secours", b.text()
    assert len(b.driver.find_elements(By.CSS_SELECTOR, "#codes-secours li")) == 10
    if shots:
        b.shot(shots + "-codes")
    b.click("J'ai noté mes codes, continuer")
    return app


def staff_log_in(b: Browser, username: str, password: str = STAFF_PASSWORD,
                 app: Authenticator = None) -> None:
    b.get("/admin/connexion")
    b.fill("Identifiant", username)
    b.fill("Mot de passe", password)
    if app is not None:
        b.fill("Code de vérification", app.code())
    b.click("Se connecter")


class HttpClient:
    """A browser without a browser: cookies kept (or not), redirects not followed, an address
    given through X-Forwarded-For (believed only from a trusted proxy), for the tests that
    tamper with forms, the throttles and the load."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base_url: str, forwarded_for: str = None) -> None:
        self.base_url = base_url
        self.forwarded_for = forwarded_for
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), self._NoRedirect)

    def request(self, path: str, data=None):
        """(status, headers, body text)."""
        for name, value in (data or {}).items():
            if any(word in name for word in SECRET_FIELDS):
                secret(str(value))
        body = urllib.parse.urlencode(data).encode("utf-8") if data is not None else None
        request = urllib.request.Request(self.base_url + path, body)
        if self.forwarded_for:
            request.add_header("X-Forwarded-For", self.forwarded_for)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.headers, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers, error.read().decode("utf-8")

    def post_form(self, page: str, action: str, fields: dict):
        """GETs ``page`` and posts its form to ``action`` with ``fields`` and the page's token:
        what a browser does; (status, headers, body)."""
        status, _, body = self.request(page)
        assert status == 200, (page, status, body)
        return self.request(action, {"jeton": self.token_for(body, action), **fields})

    @staticmethod
    def token_for(html: str, action: str) -> str:
        """The token of the page's form that posts to ``action``."""
        for form in re.findall(r"<form\b.*?</form>", html, flags=re.S):
            if f'action="{action}"' in form:
                return re.search(r'name="jeton" value="([^"]+)"', form).group(1)
        raise AssertionError(f"no form posting to {action}")

    def cookie(self, name: str):
        return next((c for c in self.cookies if c.name == name), None)

    def forget(self) -> None:
        self.cookies.clear()


def register_over_http(base_url: str, code: str, learner, password: str = "Tournesol42") -> str:
    """One pupil (an inscrire.Learner of the roster) through the pages, as a browser would;
    returns the username the campaign page confirms."""
    client = HttpClient(base_url)
    identity = {"prenom": learner.first_name, "nom": learner.last_name,
                "naissance": learner.birthdate.strftime("%d/%m/%Y")}
    status, _, body = client.post_form(f"/c/{code}", f"/c/{code}", identity)
    if status != 200 or "Ton identifiant" not in body:
        raise RuntimeError(f"sign-up page {status}")
    status, headers, body = client.request(f"/c/{code}/mot-de-passe", {
        "jeton": client.token_for(body, f"/c/{code}/mot-de-passe"), **identity,
        "mot_de_passe": password, "confirmation": password})
    if status != 303:
        raise RuntimeError(f"password page {status}")
    if not headers["Location"].endswith(f"/campagne/{code}?nouveau=1"):
        raise RuntimeError(f"password page sent to {headers['Location']}")
    status, _, body = client.request(f"/campagne/{code}?nouveau=1")
    found = re.search(r'<strong class="identifiant">([^<]+)<', body)
    if status != 200 or not found:
        raise RuntimeError(f"campaign page {status}")
    return found.group(1)


def visible_text(html: str) -> str:
    """The text of a page's <main>, tags removed, entities decoded, spaces collapsed."""
    main = re.search(r"<main\b.*?</main>", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", main.group(0) if main else html)
    return " ".join(unescape(text).split())


def wait_for(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def which(name: str) -> bool:
    return shutil.which(name) is not None


def school_with_admin(server, b: Browser, roster, username: str = "m.durand",
                      display_name: str = "Marie Durand"):
    """The school, its roster and the 5A campaign made by the operator, and its first ADMIN
    logged in ``b`` (invitation accepted, second factor enrolled): (campaign code, the ADMIN's
    authenticator)."""
    code = prepare_school(server.location, roster)
    accept_invitation(b, invite(server.location, UAI, "ADMIN"), username, display_name)
    return code, enrol_second_factor(b)
