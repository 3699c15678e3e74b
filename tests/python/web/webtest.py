"""Helpers of the web application's end-to-end tests: a roster made by tools/make-roster,
the application started as users start it (``python3 -m inscrire_web`` in a subprocess, on a
free port, with an admin password file) and Debian's Chromium driven headless by selenium.
"""

import http.cookiejar
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parents[3]
UAI = "0751234A"
SCHOOL = "Collège Victor Hugo"
ADMIN_PASSWORD = "Directrice-2026!"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]


def make_roster(path: pathlib.Path, pupils: int = 80, seed: int = 3) -> pathlib.Path:
    subprocess.run([sys.executable, str(ROOT / "tools" / "make-roster"), "--pupils", str(pupils),
                    "--seed", str(seed), "--edge-cases", "--out", str(path)], check=True)
    return path


def prepare_school(db_path: pathlib.Path, roster: pathlib.Path, division: str = "5A") -> str:
    """The school, its roster and a class campaign, made through the library (the tests that
    are not about the admin pages); returns the campaign code."""
    import inscrire
    with inscrire.open(db_path) as db:
        db.create_organization(UAI, SCHOOL)
        db.import_roster(UAI, roster)
        return db.create_campaign(UAI, f"Pix {division}", division=division).code


class Server:
    """``python3 -m inscrire_web`` on a free port; its output is kept to check the logs."""

    def __init__(self, directory: pathlib.Path, threads: int = 8) -> None:
        self.db_path = directory / "school.db"
        password_file = directory / "admin-password"
        password_file.write_text(ADMIN_PASSWORD + "\n", encoding="utf-8")
        password_file.chmod(0o600)
        self.log_path = directory / "server.log"
        self._log = open(self.log_path, "w+b")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "inscrire_web", "--db", str(self.db_path), "--port", "0",
             "--admin-password-file", str(password_file), "--threads", str(threads)],
            stdout=subprocess.PIPE, stderr=self._log, env=dict(os.environ))
        first_line = self.process.stdout.readline().decode("utf-8")
        found = re.search(r"(http://[^ ]+/)", first_line)
        if not found:
            self.stop()
            raise RuntimeError(f"the server did not print its URL: {first_line!r} "
                               f"{self.log_path.read_text(errors='replace')}")
        self.url = found.group(1).rstrip("/")

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self._log.close()




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
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.visited = []

    def get(self, path: str) -> None:
        self.driver.get(self.base_url + path)
        self.visited.append(self.driver.current_url)

    def field(self, label: str):
        labels = [l for l in self.driver.find_elements(By.TAG_NAME, "label")
                  if l.text.strip() == label]
        assert len(labels) == 1, f"one label {label!r} expected, page: {self.title()}"
        return self.driver.find_element(By.ID, labels[0].get_attribute("for"))

    def fill(self, label: str, value: str) -> None:
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
        self.visited.append(self.driver.current_url)

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

    def shot(self, name: str) -> pathlib.Path:
        target = self.screenshot_dir / f"{name}.png"
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        size = self.driver.get_window_size()
        self.driver.set_window_size(size["width"], max(400, min(int(height) + 120, 2400)))
        assert self.driver.save_screenshot(str(target))
        self.driver.set_window_size(size["width"], size["height"])
        assert target.stat().st_size > 1000
        return target

    def forget_pupil(self) -> None:
        """Another pupil on the same computer: no cookie of the previous one."""
        self.driver.delete_all_cookies()

    def quit(self) -> None:
        self.driver.quit()
        self.profile.cleanup()



def log_in_as_admin(b: Browser) -> None:
    b.get("/admin/connexion")
    b.fill("Mot de passe d'administration", ADMIN_PASSWORD)
    b.click("Se connecter")
    assert b.heading() == "Établissements"


def register(b: Browser, first: str, last: str, birthdate: str) -> None:
    """The « Je m'inscris » form; the password comes on the next page."""
    b.fill("Prénom", first)
    b.fill("Nom", last)
    b.fill("Date de naissance (JJ/MM/AAAA)", birthdate)
    b.click("Je m'inscris")


def log_in(b: Browser, username: str, password: str) -> None:
    b.fill("Identifiant", username)
    b.fill("Mot de passe", password)
    b.click("Se connecter")




class HttpClient:
    """A browser without a browser: cookies kept, redirects not followed, for the tests that
    tamper with forms and for the load test."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), self._NoRedirect)

    def request(self, path: str, data=None):
        """(status, headers, body text)."""
        body = urllib.parse.urlencode(data).encode("utf-8") if data is not None else None
        try:
            with self.opener.open(self.base_url + path, body, timeout=60) as response:
                return response.status, response.headers, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers, error.read().decode("utf-8")

    @staticmethod
    def token_for(html: str, action: str) -> str:
        """The one-time token of the page's form that posts to ``action``."""
        for form in re.findall(r"<form\b.*?</form>", html, flags=re.S):
            if f'action="{action}"' in form:
                return re.search(r'name="jeton" value="([^"]+)"', form).group(1)
        raise AssertionError(f"no form posting to {action}")

    def cookie(self, name: str):
        return next((c for c in self.cookies if c.name == name), None)
