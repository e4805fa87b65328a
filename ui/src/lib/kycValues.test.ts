import { get } from "svelte/store";
import { afterEach, describe, expect, it, vi } from "vitest";
import { clearKycValues, currentKycValues, kycValues, setKycValue } from "./kycValues";

afterEach(() => clearKycValues());

describe("KYC values store", () => {
  it("holds values by dotted path in memory and writes nothing to web storage", () => {
    const setItem = vi.spyOn(Storage.prototype, "setItem");
    setKycValue("firstName", "Ada");
    setKycValue("address.postalCode", "94107");
    setKycValue("nationalId", "123-45-6789");
    expect(get(kycValues)).toEqual({ firstName: "Ada", "address.postalCode": "94107", nationalId: "123-45-6789" });
    expect(setItem).not.toHaveBeenCalled();
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
  });

  it("hands out copies and forgets everything on clear", () => {
    setKycValue("firstName", "Ada");
    const copy = currentKycValues();
    copy.firstName = "changed";
    expect(get(kycValues).firstName).toBe("Ada");
    clearKycValues();
    expect(get(kycValues)).toEqual({});
  });
});
