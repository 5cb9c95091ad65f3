import { Component, type ErrorInfo, type ReactNode } from 'react';

/** Shows a page's crash as a message instead of a blank screen. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | undefined }> {
  override state: { error: Error | undefined } = { error: undefined };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error) return <div className="error-box" role="alert"><strong>This page failed:</strong> {this.state.error.message}</div>;
    return this.props.children;
  }
}
