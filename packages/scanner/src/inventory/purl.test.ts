import { describe, expect, it } from "vitest";
import { purlFor } from "./purl.js";
import type { OsInfo, Package } from "../../../model/src/package.js";

const debian: OsInfo = { family: "debian", name: "Debian GNU/Linux", version: "12" };
const alpine: OsInfo = { family: "alpine", name: "Alpine Linux", version: "3.19.1" };
const rocky: OsInfo = { family: "rocky", name: "Rocky Linux", version: "9.3" };

function pkg(p: Partial<Package> & Pick<Package, "type" | "name" | "version">): Package {
  return { purl: "", licenses: [], locations: [], ...p };
}

describe("purlFor", () => {
  it("deb: os family namespace, arch and distro qualifiers, epoch kept in the version", () => {
    expect(
      purlFor(pkg({ type: "deb", name: "curl", version: "7.88.1-10+deb12u5", arch: "amd64" }), debian),
    ).toBe("pkg:deb/debian/curl@7.88.1-10+deb12u5?arch=amd64&distro=debian-12");
    expect(
      purlFor(pkg({ type: "deb", name: "bsdutils", version: "1:2.38.1-5+b1", arch: "amd64" }), debian),
    ).toBe("pkg:deb/debian/bsdutils@1:2.38.1-5+b1?arch=amd64&distro=debian-12");
  });

  it("apk: alpine namespace with distro", () => {
    expect(purlFor(pkg({ type: "apk", name: "musl", version: "1.2.4-r2", arch: "x86_64" }), alpine)).toBe(
      "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.19.1",
    );
  });

  it("rpm: epoch moves to a qualifier", () => {
    expect(
      purlFor(pkg({ type: "rpm", name: "openssl", version: "1:3.0.7-24.el9", arch: "x86_64" }), rocky),
    ).toBe("pkg:rpm/rocky/openssl@3.0.7-24.el9?arch=x86_64&distro=rocky-9.3&epoch=1");
    expect(purlFor(pkg({ type: "rpm", name: "bash", version: "5.1.8-6.el9", arch: "x86_64" }), rocky)).toBe(
      "pkg:rpm/rocky/bash@5.1.8-6.el9?arch=x86_64&distro=rocky-9.3",
    );
  });

  it("npm scopes become the namespace, percent-encoded", () => {
    expect(purlFor(pkg({ type: "npm", name: "@babel/core", version: "7.24.0" }))).toBe(
      "pkg:npm/%40babel/core@7.24.0",
    );
    expect(purlFor(pkg({ type: "npm", name: "lodash", version: "4.17.21" }))).toBe("pkg:npm/lodash@4.17.21");
  });

  it("golang module paths split into namespace/name", () => {
    expect(purlFor(pkg({ type: "golang", name: "github.com/spf13/cobra", version: "v1.8.0" }))).toBe(
      "pkg:golang/github.com/spf13/cobra@v1.8.0",
    );
    expect(purlFor(pkg({ type: "golang", name: "stdlib", version: "v1.21.5" }))).toBe(
      "pkg:golang/stdlib@v1.21.5",
    );
  });

  it("maven uses the groupId namespace; pypi names are normalised; composer vendor splits", () => {
    expect(
      purlFor(
        pkg({ type: "maven", namespace: "org.apache.logging.log4j", name: "log4j-core", version: "2.14.1" }),
      ),
    ).toBe("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
    expect(purlFor(pkg({ type: "pypi", name: "Typing_Extensions", version: "4.9.0" }))).toBe(
      "pkg:pypi/typing-extensions@4.9.0",
    );
    expect(purlFor(pkg({ type: "composer", name: "symfony/console", version: "v6.4.1" }))).toBe(
      "pkg:composer/symfony/console@v6.4.1",
    );
    expect(purlFor(pkg({ type: "gem", name: "rails", version: "7.1.3" }))).toBe("pkg:gem/rails@7.1.3");
  });
});
