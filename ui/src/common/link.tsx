import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { api, on, type Link } from "../api";

const THIS_PC: Link = { state: "this_pc", message: null };
const LinkContext = createContext<Link>(THIS_PC);

/** Follows the link to the office server (or "this PC only"). */
export function LinkProvider({ children }: { children: ReactNode }) {
  const [link, setLink] = useState<Link>(THIS_PC);
  useEffect(() => {
    let live = true;
    void api.connectionStatus().then((l) => live && setLink(l));
    const stop = on.connectionChanged((l) => setLink(l));
    return () => {
      live = false;
      void stop.then((f) => f());
    };
  }, []);
  return <LinkContext.Provider value={link}>{children}</LinkContext.Provider>;
}

/** Whether changes can be made now: not while the server is out of reach. */
export function useLink(): { link: Link; online: boolean } {
  const link = useContext(LinkContext);
  return { link, online: link.state !== "reconnecting" };
}
